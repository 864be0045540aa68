/// Everything tunable about an `RPCServer`, with production defaults.
///
/// See `Docs/transport.md` for how each limit is enforced and the status a peer sees when it
/// exceeds one.
public struct ServerConfiguration: Sendable {
    /// Address to bind; loopback unless told otherwise (containers pass `0.0.0.0`).
    public var host: String = "127.0.0.1"
    /// Port to bind; 0 picks a free port (read it back with `RPCServer.listeningAddress()`).
    public var port: Int = 0
    /// Message sizes, windows, buffers and connection timers, as for a client
    /// (default `ConnectionLimits.server`).
    public var limits: ConnectionLimits = .server
    /// How long in-flight calls may run after graceful shutdown begins.
    ///
    /// Default 10 s: a streaming rescoring call finishes its current hypotheses well within it,
    /// and it ends before the 30 s an orchestrator usually waits before killing the process.
    public var shutdownGracePeriod: Duration = .seconds(10)
    /// When set, every call must carry `authorization: Bearer <token>` or gets `UNAUTHENTICATED`.
    public var bearerToken: String?
    /// RST_STREAM frames a client may send per second before the connection is closed with
    /// GOAWAY(ENHANCE_YOUR_CALM) (default 500, far above what a real client cancels in a second and
    /// far below a flood's rate): defends against "rapid reset" floods, where each
    /// reset stream costs the server a handler start for almost nothing from the client.
    public var maximumResetsPerSecond: Int = 500
    /// Where handler tasks run (default: Swift's global concurrent executor).
    public var handlerExecution: HandlerExecution = .concurrencyPool
    /// Message compression (`grpc-encoding`): by default gzip requests are accepted and
    /// responses are sent uncompressed; with `sendsGzip` responses are gzip-compressed for
    /// clients that list gzip in `grpc-accept-encoding`.
    public var compression = CompressionConfiguration()

    /// Where handler tasks run.
    public enum HandlerExecution: Sendable, Hashable {
        /// Swift's global concurrent executor: right for handlers that compute or block.
        case concurrencyPool
        /// The connection's own event loop (a `TaskExecutor` preference): no thread hop per call,
        /// for handlers that only await and do little work. A busy handler stalls the loop.
        case connectionEventLoop
    }

    // MARK: Inbound memory budget

    /// Request bytes one connection may hold in memory — received, not yet read by a handler,
    /// including messages still arriving (default 16 MiB). Past it the server stops sending
    /// connection WINDOW_UPDATEs and the client stalls until handlers read. The connection
    /// receive window is capped at half of it. Concurrent partial messages larger than it in
    /// total stall until the client's deadline.
    public var maximumBufferedInboundBytesPerConnection: Int = 16 << 20
    /// Request bytes all connections together may hold (default 64 MiB). Past it no connection
    /// gets connection-level window until bytes are read; each connection may still deliver the
    /// window it had already been granted.
    public var maximumBufferedInboundBytesPerServer: Int = 64 << 20

    /// The defaults above.
    public init() {}

    /// Checks the limits and the server-only fields before the server binds.
    ///
    /// - Throws: `RPCError` (`INVALID_ARGUMENT`) naming the field out of range.
    func validate() throws(RPCError) {
        try limits.validate(as: "ServerConfiguration.limits")
        guard (0...Int(UInt16.max)).contains(port) else {
            throw RPCError(
                code: .invalidArgument, message: "ServerConfiguration.port must be in 0...65535; got \(port)."
            )
        }
        guard shutdownGracePeriod >= .zero else {
            throw RPCError(
                code: .invalidArgument,
                message:
                    "ServerConfiguration.shutdownGracePeriod must not be negative; got \(shutdownGracePeriod)."
            )
        }
        guard maximumResetsPerSecond > 0 else {
            throw RPCError(
                code: .invalidArgument,
                message:
                    "ServerConfiguration.maximumResetsPerSecond must be positive; got \(maximumResetsPerSecond)."
            )
        }
    }
}
