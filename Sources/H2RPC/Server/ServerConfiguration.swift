/// Everything tunable about an `RPCServer`, with production defaults.
///
/// See `Docs/transport.md` for how each limit is enforced and the status a peer sees when it
/// exceeds one.
public struct ServerConfiguration: Sendable {
    /// Address to bind; loopback unless told otherwise (containers pass `0.0.0.0`).
    public var host: String = "127.0.0.1"
    /// Port to bind; 0 picks a free port (read it back with `RPCServer.listeningAddress()`).
    public var port: Int = 0
    /// Largest request message accepted (default 4 MiB); larger → `RESOURCE_EXHAUSTED`.
    public var maximumReceiveMessageSize: Int = 4 << 20
    /// Largest response message sent (default 4 MiB); larger → `RESOURCE_EXHAUSTED`.
    public var maximumSendMessageSize: Int = 4 << 20
    /// SETTINGS_MAX_CONCURRENT_STREAMS advertised to each client (default 1000).
    public var maximumConcurrentStreams: Int = 1000
    /// SETTINGS_MAX_HEADER_LIST_SIZE (default 16 KiB); larger header blocks → `RESOURCE_EXHAUSTED`.
    public var maximumHeaderListSize: Int = 16 << 10
    /// Per-stream receive window (SETTINGS_INITIAL_WINDOW_SIZE, default 1 MiB).
    public var initialStreamWindowSize: Int = 1 << 20
    /// Connection receive window (default 16 MiB).
    public var connectionWindowSize: Int = 16 << 20
    /// Unread request bytes per stream before the server stops returning window (default 256 KiB).
    public var streamReceiveBufferLimit: Int = 256 << 10
    /// Unsent response bytes per stream before `write` suspends (default 256 KiB).
    public var streamSendHighWatermark: Int = 256 << 10
    /// Close connections without open streams after this long (default 5 minutes; `nil` never).
    public var idleTimeout: Duration? = .seconds(300)
    /// Send a PING after this long (default 2 hours, as gRPC does; `nil` disables keepalive).
    public var keepaliveInterval: Duration? = .seconds(7200)
    /// Close the connection when a keepalive PING is not acknowledged within this (default 20 s).
    public var keepaliveTimeout: Duration = .seconds(20)
    /// How long in-flight calls may run after graceful shutdown begins (default 10 s).
    public var shutdownGracePeriod: Duration = .seconds(10)
    /// When set, every call must carry `authorization: Bearer <token>` or gets `UNAUTHENTICATED`.
    public var bearerToken: String?
    /// RST_STREAM frames a client may send per second before the connection is closed with
    /// GOAWAY(ENHANCE_YOUR_CALM) (default 500): defends against "rapid reset" floods, where each
    /// reset stream costs the server a handler start for almost nothing from the client.
    public var maximumResetsPerSecond: Int = 500
    /// Where handler tasks run (default: Swift's global concurrent executor).
    public var handlerExecution: HandlerExecution = .concurrencyPool

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

    var connectionLimits: HTTP2ConnectionLimits {
        HTTP2ConnectionLimits(
            maximumReceiveMessageSize: maximumReceiveMessageSize,
            maximumSendMessageSize: maximumSendMessageSize,
            maximumConcurrentStreams: maximumConcurrentStreams,
            maximumHeaderListSize: maximumHeaderListSize,
            initialStreamWindowSize: initialStreamWindowSize,
            connectionWindowSize: connectionWindowSize,
            streamReceiveBufferLimit: streamReceiveBufferLimit,
            streamSendHighWatermark: streamSendHighWatermark,
            idleTimeout: idleTimeout,
            keepaliveInterval: keepaliveInterval,
            keepaliveTimeout: keepaliveTimeout)
    }
}
