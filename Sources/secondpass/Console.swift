import Foundation

/// Writes progress lines straight to standard output (unbuffered, so logs of background runs are live).
enum Console {
    static func line(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    /// A `secondpass: warning: …` line on standard error: the run goes on, but its result deserves a look.
    static func warning(_ text: String) {
        FileHandle.standardError.write(Data(("secondpass: warning: " + text + "\n").utf8))
    }
}
