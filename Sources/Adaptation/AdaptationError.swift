/// An error from adapter construction, training or adapter files: a code and a precise message.
///
/// Shaped like `NeuralLMError` so callers switch on `code` while logs carry which file, tensor or
/// setting was wrong.
public struct AdaptationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Kinds of failure.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        /// A rank, alpha, schedule or other setting is out of range or inconsistent.
        public static let invalidConfiguration = Code("invalidConfiguration")
        /// An adapter file does not fit the base model (shapes, modules, fingerprint).
        public static let baseMismatch = Code("baseMismatch")
        /// An adapter file is missing, unreadable or malformed.
        public static let corruptFile = Code("corruptFile")
        /// Training data is malformed (empty list, missing token ids, bad JSON line).
        public static let invalidData = Code("invalidData")
        /// Reading or writing a file failed.
        public static let ioFailure = Code("ioFailure")
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}
