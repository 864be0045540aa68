import Foundation

/// Writes progress lines straight to standard output (unbuffered, so logs of background runs are live).
enum Console {
    static func line(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }
}
