/// A failure to train, read or use an n-gram model, with a message that names what was wrong
/// (and, for a file, the 1-based line).
public struct NGramError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) { self.message = message }

    /// An error about line `line` of an ARPA file.
    public static func arpa(line: Int, _ message: String) -> NGramError {
        NGramError("ARPA line \(line): \(message)")
    }

    public var description: String { message }
}
