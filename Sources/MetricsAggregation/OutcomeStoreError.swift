/// Why the outcome store could not open, read or write; `message` is one line for an operator.
public struct OutcomeStoreError: Error, Sendable, CustomStringConvertible {
    /// Kinds of failure.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        /// The database file could not be opened or migrated.
        public static let unavailable = Code("unavailable")
        /// A stored row could not be decoded (the file was edited by something else).
        public static let corrupt = Code("corrupt")
        /// An outcome breaks `UtteranceOutcome.validate()` (empty list, index out of range).
        public static let invalidOutcome = Code("invalidOutcome")
        /// A read or write failed.
        public static let ioFailure = Code("ioFailure")
    }

    public var code: Code
    public var message: String
    public var cause: (any Error)?

    public init(_ code: Code, _ message: String, cause: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    public var description: String { "\(code): \(message)" }
}
