/// Where the two halves of one HTTP/2 stream are, as explicit states that only move forward.
///
/// Both roles drive the same machine: the server receives requests and sends responses, the
/// client the reverse, but each half goes through the same steps.
///
/// Receiving: `receiving` → `discarding` (we stopped reading: the call ended or the input was
/// invalid; the peer may still send) → `peerEnded` (END_STREAM seen), or straight from
/// `receiving` to `peerEnded`.
/// Sending: `idle` → `headersSent` → `bodyEnded` (nothing more will be appended; END_STREAM or
/// trailers follow the buffered bytes), or `idle` → `bodyEnded` for a HEADERS frame that ends
/// the stream (Trailers-Only).
struct StreamLifecycle {
    enum Inbound: Int, Comparable {
        case receiving
        case discarding
        case peerEnded

        static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    enum Outbound: Int, Comparable {
        case idle
        case headersSent
        case bodyEnded

        static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    private(set) var inbound = Inbound.receiving
    private(set) var outbound = Outbound.idle

    /// We stop delivering received bytes; a no-op once stopped or ended.
    mutating func stopReceiving() {
        if inbound == .receiving { inbound = .discarding }
    }

    /// The peer sent END_STREAM.
    mutating func peerEnded() {
        inbound = .peerEnded
    }

    /// Our headers are submitted; a no-op afterwards.
    mutating func headersSent() {
        if outbound == .idle { outbound = .headersSent }
    }

    /// Our side is complete: nothing more will be appended to the body.
    mutating func bodyEnded() {
        outbound = .bodyEnded
    }
}
