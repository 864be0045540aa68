/// A problem with one line of an N-best JSONL file.
public struct NBestJSONLIssue: Error, Sendable, Hashable, CustomStringConvertible {
    /// 1-based line number.
    public var lineNumber: Int
    public var message: String

    public init(lineNumber: Int, message: String) {
        self.lineNumber = lineNumber
        self.message = message
    }

    public var description: String { "line \(lineNumber): \(message)" }
}

/// A failure to read or write an N-best JSONL file.
public struct NBestJSONLError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: Sendable, Hashable {
        /// The file could not be read or written.
        case io
        /// One or more records are invalid; see ``issues``.
        case invalidRecords
    }

    public var code: Code
    public var message: String
    public var issues: [NBestJSONLIssue]

    public init(code: Code, message: String, issues: [NBestJSONLIssue] = []) {
        self.code = code
        self.message = message
        self.issues = issues
    }

    public var description: String { message }
}
