/// An error from the language-model engine or its adapters: a machine-readable code and a
/// human message.
///
/// Shaped like grpc-swift's `RPCError` so callers can switch on `code` while logs carry the
/// precise reason (which tensor, which offset, which field). `Adaptation` throws this type too,
/// with its own extra codes (`baseMismatch`, `invalidData`), so callers catch one error shape.
public struct NeuralLMError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Kinds of failure.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private let name: String
        /// Package-wide so `Adaptation` can add its codes; clients cannot invent new ones.
        package init(_ name: String) { self.name = name }
        public var description: String { name }

        /// A configuration value is missing, malformed or unsupported.
        public static let invalidConfiguration = Code("invalidConfiguration")
        /// A file is not a well-formed safetensors file (header, offsets, size).
        public static let corruptFile = Code("corruptFile")
        /// A tensor is missing, unexpected, or has the wrong shape or dtype.
        public static let tensorMismatch = Code("tensorMismatch")
        /// Input tokens or batch are not valid for the model.
        public static let invalidInput = Code("invalidInput")
        /// Reading or writing a file failed.
        public static let ioFailure = Code("ioFailure")
    }

    /// What kind of failure.
    public var code: Code
    /// Human-readable detail.
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}
