/// Everything tunable about an `RPCClient`, with defaults.
public struct ClientConfiguration: Sendable {
    /// Message sizes, windows, buffers and connection timers, as for a server
    /// (default `ConnectionLimits.client`).
    public var limits: ConnectionLimits = .client
    /// How long connecting may take; failure → `UNAVAILABLE`.
    ///
    /// Default 10 s: long enough for a loaded host's accept queue, short enough that a caller
    /// without its own timeout learns of an unreachable server promptly.
    public var connectTimeout: Duration = .seconds(10)
    /// Sent as `authorization: Bearer <token>` on every call when set.
    public var bearerToken: String?
    /// `:authority` of requests (default `host:port`, what the client was asked to connect to).
    public var authority: String?
    /// Message compression (`grpc-encoding`): by default gzip responses are accepted and
    /// requests are sent uncompressed; with `sendsGzip` every request message is gzip-compressed.
    public var compression = CompressionConfiguration()

    /// The defaults above.
    public init() {}

    /// Checks the limits and `connectTimeout` before the client is used.
    ///
    /// - Throws: `RPCError` (`INVALID_ARGUMENT`) naming the field out of range.
    func validate() throws(RPCError) {
        try limits.validate(as: "ClientConfiguration.limits")
        guard connectTimeout > .zero else {
            throw RPCError(
                code: .invalidArgument,
                message: "ClientConfiguration.connectTimeout must be positive; got \(connectTimeout).")
        }
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
