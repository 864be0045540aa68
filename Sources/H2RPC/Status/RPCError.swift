/// The one error type of H2RPC: a gRPC status code, a human-readable message and an optional cause.
///
/// Handlers throw it to choose the status their caller sees; clients receive it for every non-OK
/// status. It maps to and from the `grpc-status` / `grpc-message` trailers (see
/// `Docs/transport.md`). Any other error a handler throws is reported as `UNKNOWN` with the
/// error's description, so no failure is ever silently dropped.
public struct RPCError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A gRPC status code.
    ///
    /// A struct rather than an enum so that codes this library does not know (a peer may send any
    /// integer) survive a round trip and new codes can be added without breaking callers.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        /// The integer sent on the wire in `grpc-status`.
        public let rawValue: Int

        /// Wraps any integer code, including ones outside the 17 standard codes.
        public init(rawValue: Int) {
            self.rawValue = rawValue
        }

        public static let ok = Code(rawValue: 0)
        public static let cancelled = Code(rawValue: 1)
        public static let unknown = Code(rawValue: 2)
        public static let invalidArgument = Code(rawValue: 3)
        public static let deadlineExceeded = Code(rawValue: 4)
        public static let notFound = Code(rawValue: 5)
        public static let alreadyExists = Code(rawValue: 6)
        public static let permissionDenied = Code(rawValue: 7)
        public static let resourceExhausted = Code(rawValue: 8)
        public static let failedPrecondition = Code(rawValue: 9)
        public static let aborted = Code(rawValue: 10)
        public static let outOfRange = Code(rawValue: 11)
        public static let unimplemented = Code(rawValue: 12)
        public static let `internal` = Code(rawValue: 13)
        public static let unavailable = Code(rawValue: 14)
        public static let dataLoss = Code(rawValue: 15)
        public static let unauthenticated = Code(rawValue: 16)

        /// All 17 codes defined by the gRPC specification, in numeric order.
        public static let allStandard: [Code] = (0...16).map { Code(rawValue: $0) }

        private static let names = [
            "OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND",
            "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION",
            "ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS",
            "UNAUTHENTICATED",
        ]

        /// The specification's upper-case name, e.g. `DEADLINE_EXCEEDED`, or `CODE_<n>`.
        public var description: String {
            Self.names.indices.contains(rawValue) ? Self.names[rawValue] : "CODE_\(rawValue)"
        }
    }

    /// The status code.
    public var code: Code
    /// A developer-facing explanation, sent percent-encoded in `grpc-message`.
    public var message: String
    /// The underlying error, if any; never sent over the wire.
    public var cause: (any Error)?
    /// Trailing metadata received with (client side) or to send with (server side) the status.
    public var metadata: Metadata

    /// Creates an error; `code` should not be `.ok`.
    public init(code: Code, message: String, metadata: Metadata = [:], cause: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.metadata = metadata
        self.cause = cause
    }

    public var description: String {
        var text = "\(code): \(message)"
        if let cause { text += " (cause: \(cause))" }
        return text
    }

    public static func == (lhs: RPCError, rhs: RPCError) -> Bool {
        lhs.code == rhs.code && lhs.message == rhs.message && lhs.metadata == rhs.metadata
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(code)
        hasher.combine(message)
    }
}

extension RPCError {
    /// Converts any error a handler threw into the status sent to the client.
    ///
    /// `RPCError` passes through; task cancellation becomes `CANCELLED`; anything else becomes
    /// `UNKNOWN` carrying the error's description so the client learns what went wrong.
    static func from(_ error: any Error) -> RPCError {
        if let rpcError = error as? RPCError { return rpcError }
        if error is CancellationError {
            return RPCError(code: .cancelled, message: "The call was cancelled.", cause: error)
        }
        return RPCError(code: .unknown, message: "Handler failed: \(error)", cause: error)
    }
}
