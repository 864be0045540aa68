# Sourced by every script in Scripts/: one answer to "where is …".
#
# After `source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"` a script runs from the package root and has
#   SECONDPASS_ROOT   the package root (the folder holding Package.swift)
#   PATH              with the Swift toolchain (/opt/swift/usr/bin) first when it exists
#   SECONDPASS_VENV   the Python venv of the test peers and data tooling (default <root>/.venv),
#                     exported so tests and child scripts use the same one
#   PYTHON            that venv's interpreter
#   RELEASE_BIN       where `swift build -c release` puts executables
# and the helpers below.

SECONDPASS_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$SECONDPASS_ROOT"
if [[ -d /opt/swift/usr/bin ]]; then
  export PATH="/opt/swift/usr/bin:$PATH"
fi
export SECONDPASS_VENV="${SECONDPASS_VENV:-$SECONDPASS_ROOT/.venv}"
PYTHON="$SECONDPASS_VENV/bin/python"
RELEASE_BIN="$SECONDPASS_ROOT/.build/release"

# Fails with a pointer to Scripts/bootstrap when the venv's Python is missing.
require_python() {
  if [[ ! -x "$PYTHON" ]]; then
    echo "$(basename "$0"): no Python at $PYTHON; run Scripts/bootstrap or set SECONDPASS_VENV" >&2
    exit 1
  fi
}

# Builds one product in release mode (progress on stderr, so stdout stays the script's output).
build_release() {
  swift build -c release --product "$1" >&2
}

# Prints the comment block at the top of the calling script (its usage) and exits 0.
print_usage() {
  sed -n '2,/^[^#]/{/^#/s/^# \{0,1\}//p}' "$0"
  exit 0
}
