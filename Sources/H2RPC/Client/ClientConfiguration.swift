/// Everything tunable about an `RPCClient`, with defaults.
public struct ClientConfiguration: Sendable {
    /// Largest response message accepted (default 4 MiB); larger → `RESOURCE_EXHAUSTED`.
    public var maximumReceiveMessageSize: Int = 4 << 20
    /// Largest request message sent (default 4 MiB); larger → `RESOURCE_EXHAUSTED`.
    public var maximumSendMessageSize: Int = 4 << 20
    /// SETTINGS_MAX_CONCURRENT_STREAMS we advertise (servers do not open streams; kept small).
    public var maximumConcurrentStreams: Int = 100
    /// SETTINGS_MAX_HEADER_LIST_SIZE for responses (default 16 KiB).
    public var maximumHeaderListSize: Int = 16 << 10
    /// Per-stream receive window (default 1 MiB).
    public var initialStreamWindowSize: Int = 1 << 20
    /// Connection receive window (default 16 MiB).
    public var connectionWindowSize: Int = 16 << 20
    /// Unread response bytes per call before the client stops returning window (default 256 KiB).
    public var streamReceiveBufferLimit: Int = 256 << 10
    /// Unsent request bytes per call before `write` suspends (default 256 KiB).
    public var streamSendHighWatermark: Int = 256 << 10
    /// How long connecting may take (default 10 s); failure → `UNAVAILABLE`.
    public var connectTimeout: Duration = .seconds(10)
    /// Close the connection after this long without calls (default `nil`: keep it).
    public var idleTimeout: Duration?
    /// Send keepalive PINGs this often (default `nil`: off).
    public var keepaliveInterval: Duration?
    /// Close the connection when a PING is not acknowledged within this (default 20 s).
    public var keepaliveTimeout: Duration = .seconds(20)
    /// Sent as `authorization: Bearer <token>` on every call when set.
    public var bearerToken: String?
    /// `:authority` of requests (default `host:port`).
    public var authority: String?

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

/// Per-call options.
public struct CallOptions: Sendable {
    /// How long the caller waits; sent as `grpc-timeout` and enforced locally too
    /// (`DEADLINE_EXCEEDED`). `nil` waits indefinitely.
    public var timeout: Duration?

    /// Creates options.
    public init(timeout: Duration? = nil) {
        self.timeout = timeout
    }

    /// No timeout.
    public static let defaults = CallOptions()
}
