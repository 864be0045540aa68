/// A failure to load a pronouncing dictionary.
///
/// Malformed lines are collected rather than reported one at a time, so a user fixing a
/// dictionary sees every bad line (with its 1-based number) in one message.
public struct LexiconError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure.
    public enum Code: Sendable, Hashable {
        /// The file could not be read.
        case unreadableFile
        /// One or more lines could not be parsed (strict mode).
        case malformedLines
        /// The dictionary holds no pronunciation at all.
        case empty
    }

    public var code: Code
    public var message: String
    /// The offending lines for ``Code/malformedLines``.
    public var malformedLines: [MalformedLexiconLine]

    public init(code: Code, message: String, malformedLines: [MalformedLexiconLine] = []) {
        self.code = code
        self.message = message
        self.malformedLines = malformedLines
    }

    public var description: String { message }
}

/// A dictionary line that could not be parsed, with the reason.
public struct MalformedLexiconLine: Sendable, Hashable, CustomStringConvertible {
    /// 1-based line number in the source.
    public var lineNumber: Int
    /// The line as read (trimmed).
    public var text: String
    public var reason: String

    public init(lineNumber: Int, text: String, reason: String) {
        self.lineNumber = lineNumber
        self.text = text
        self.reason = reason
    }

    public var description: String { "line \(lineNumber): \(reason): \(text)" }
}
