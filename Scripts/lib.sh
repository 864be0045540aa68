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

# Starts service $1 (the command after it) in the background with stdout and stderr in
# $WORK/$1.out and .err, appends its pid to the caller's PIDS array (the caller stops them on
# exit), and sets ADDRESS to the HOST:PORT of its "... listening on" line. Fails, with the
# service's last stderr line, if the process exits first or does not listen within 120 s.
start_service() {
  local name="$1"
  shift
  "$@" >"$WORK/$name.out" 2>"$WORK/$name.err" &
  local pid="$!"
  PIDS+=("$pid")
  for _ in $(seq 1 600); do
    if grep -q "listening on " "$WORK/$name.out" 2>/dev/null; then
      ADDRESS="$(sed -n 's/.* listening on //p' "$WORK/$name.out" | head -1)"
      return 0
    fi
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "$(basename "$0"): $name exited before listening: $(tail -1 "$WORK/$name.err")" >&2
      return 1
    fi
    sleep 0.2
  done
  echo "$(basename "$0"): $name did not start listening within 120 s" >&2
  return 1
}
