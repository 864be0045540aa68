import H2RPC
import Rescoring

/// The gRPC status a client sees for each domain or compute failure (Docs/protocol.md lists them).
enum RescorerStatus {
    static func error(for error: RescoringError) -> RPCError {
        switch error.code {
        case .unknownAdapter: RPCError(code: .notFound, message: error.message)
        case .hypothesisTooLong: RPCError(code: .outOfRange, message: error.message)
        case .invalidRequest: RPCError(code: .invalidArgument, message: error.message)
        // A request over a size limit fails the same way on every retry and every replica.
        case .limitExceeded: RPCError(code: .invalidArgument, message: error.message)
        case .cancelled: RPCError(code: .cancelled, message: error.message)
        case .deadlineExceeded: RPCError(code: .deadlineExceeded, message: error.message)
        }
    }

    static func error(for error: ComputePoolError) -> RPCError {
        switch error.code {
        // Transient: the message carries a retry hint, and so does the standard gRPC retry
        // pushback trailer, which a client can read without parsing the message.
        case .queueFull:
            RPCError(
                code: .resourceExhausted, message: error.message,
                metadata: error.retryAfter.map { ["grpc-retry-pushback-ms": .string("\($0.milliseconds)")] }
                    ?? [:])
        case .cancelled: RPCError(code: .cancelled, message: error.message)
        case .deadlineExceeded: RPCError(code: .deadlineExceeded, message: error.message)
        case .shutDown: RPCError(code: .unavailable, message: error.message)
        }
    }

    /// `LoadAdapter`/`UnloadAdapter` failures: a path outside the root is refused before any file
    /// is read (so a caller cannot probe the server's files), a missing directory is `NOT_FOUND`,
    /// files that are not a valid adapter are the caller's mistake, and an adapter made for another
    /// base model cannot be served by this one.
    static func error(for error: RescorerModelError) -> RPCError {
        let code: RPCError.Code =
            switch error.code {
            case .outsideAdapterRoot: .permissionDenied
            case .unknownAdapter: .notFound
            case .missingFile: .notFound
            case .adapterMismatch: .failedPrecondition
            default: .invalidArgument
            }
        return RPCError(code: code, message: error.message)
    }
}
