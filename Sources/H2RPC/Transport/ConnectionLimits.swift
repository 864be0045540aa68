/// The limits of one HTTP/2 connection carrying gRPC calls, the same for both roles.
///
/// Clients and servers enforce the same things on the connection they share: how large a message
/// may be, how much each side buffers, the HTTP/2 settings they advertise and when an idle or
/// silent connection is closed. Both `ClientConfiguration.limits` and
/// `ServerConfiguration.limits` hold one of these so each limit is named, documented and
/// validated once; only the defaults differ by role (see `client` and `server`).
///
/// "Receive" and "send" are from the point of view of the side that owns the value: a server's
/// receive limit applies to requests, a client's to responses.
public struct ConnectionLimits: Sendable, Hashable {
    /// Largest message accepted from the peer; larger → `RESOURCE_EXHAUSTED`.
    ///
    /// Default 4 MiB, gRPC's default in every implementation, so peers with defaults agree.
    public var maximumReceiveMessageSize: Int = 4 << 20
    /// Largest message sent to the peer; larger → `RESOURCE_EXHAUSTED` before anything is sent.
    ///
    /// Default 4 MiB, matching the receive default of a peer with default settings.
    public var maximumSendMessageSize: Int = 4 << 20
    /// SETTINGS_MAX_CONCURRENT_STREAMS advertised: how many calls the peer may open at once.
    public var maximumConcurrentStreams: Int
    /// SETTINGS_MAX_HEADER_LIST_SIZE advertised; larger header blocks → `RESOURCE_EXHAUSTED`.
    ///
    /// Default 16 KiB: twice gRPC core's 8 KiB metadata default, so any conforming peer fits,
    /// while one header block cannot make us hold much memory.
    public var maximumHeaderListSize: Int = 16 << 10
    /// Per-stream receive window (SETTINGS_INITIAL_WINDOW_SIZE).
    ///
    /// Default 1 MiB: a datacenter path's bandwidth-delay product, so one call is not throttled by
    /// round trips, while a call whose reader stalls pins at most this much in flight.
    public var initialStreamWindowSize: Int = 1 << 20
    /// Connection-level receive window.
    ///
    /// Default 16 MiB: sixteen streams at full window, so one slow call cannot starve the others.
    public var connectionWindowSize: Int = 16 << 20
    /// Unread received bytes per call before flow-control credit stops being returned.
    ///
    /// Default 256 KiB: a reader that falls this far behind stops its peer through HTTP/2 flow
    /// control instead of letting the queue grow; a few typical messages still fit.
    public var streamReceiveBufferLimit: Int = 256 << 10
    /// Unsent bytes per call before `write` suspends; it resumes once half of them have drained.
    ///
    /// Default 256 KiB: enough queued to keep the stream's window filled, little enough that a
    /// peer that stops reading bounds the memory a writer can pin.
    public var streamSendHighWatermark: Int = 256 << 10
    /// Close the connection after this long without open streams (`nil`: never).
    public var idleTimeout: Duration?
    /// Send a keepalive PING after this long without traffic (`nil`: no keepalive).
    public var keepaliveInterval: Duration?
    /// Close the connection when a keepalive PING is not acknowledged within this.
    ///
    /// Default 20 s, gRPC's default keepalive timeout.
    public var keepaliveTimeout: Duration = .seconds(20)

    private init(maximumConcurrentStreams: Int, idleTimeout: Duration?, keepaliveInterval: Duration?) {
        self.maximumConcurrentStreams = maximumConcurrentStreams
        self.idleTimeout = idleTimeout
        self.keepaliveInterval = keepaliveInterval
    }

    /// A client's defaults: at most 100 server-opened streams (servers open none in gRPC), and no
    /// idle timeout or keepalive, because a client decides itself when it is done with a
    /// connection and gRPC servers reject clients that ping more often than they allow.
    public static let client = ConnectionLimits(
        maximumConcurrentStreams: 100, idleTimeout: nil, keepaliveInterval: nil)

    /// A server's defaults: 1000 concurrent calls per client (ten times gRPC's usual 100, because
    /// rescoring clients multiplex many streaming calls on one connection), connections without
    /// calls closed after 5 minutes so abandoned clients release their memory, and a keepalive
    /// PING after 2 hours of silence, as gRPC servers do, to find peers that vanished.
    public static let server = ConnectionLimits(
        maximumConcurrentStreams: 1000, idleTimeout: .seconds(300), keepaliveInterval: .seconds(7200))
}
