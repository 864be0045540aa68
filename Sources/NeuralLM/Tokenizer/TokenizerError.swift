/// An error from building, loading, saving or running a BPE tokenizer.
///
/// One struct with an extensible code (in the style of grpc-swift's `RPCError`), so callers can
/// switch on what went wrong while the message says exactly where.
public struct TokenizerError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of failure occurred.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Value: String, Sendable, Hashable {
            case invalidFile, unsupportedConfiguration, unknownTokenID, invalidArgument, io
        }

        private let value: Value

        /// The `tokenizer.json` text is not valid JSON or misses required fields.
        public static let invalidFile = Code(value: .invalidFile)
        /// The file is valid but describes a tokenizer this implementation does not reproduce exactly.
        public static let unsupportedConfiguration = Code(value: .unsupportedConfiguration)
        /// A token id passed to decoding is outside the vocabulary.
        public static let unknownTokenID = Code(value: .unknownTokenID)
        /// A training or construction parameter is out of range.
        public static let invalidArgument = Code(value: .invalidArgument)
        /// Reading or writing a file failed.
        public static let io = Code(value: .io)

        public var description: String { value.rawValue }
    }

    /// What kind of failure occurred.
    public var code: Code
    /// A human-readable explanation naming the offending value.
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "TokenizerError(\(code)): \(message)" }
}
