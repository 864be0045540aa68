import Synchronization

/// Live counters of one server or client, readable from any thread.
///
/// They exist so that tests and operators can check the memory bounds the design promises:
/// `bufferedOutboundBytes` is the total of message bytes accepted from writers and not yet
/// handed to HTTP/2 frames, across all streams; `peakBufferedOutboundBytes` its high-water mark.
public final class TransportStatistics: Sendable {
    private let buffered = Atomic<Int>(0)
    private let peak = Atomic<Int>(0)
    private let streams = Atomic<Int>(0)
    private let connections = Atomic<Int>(0)
    private let pingAcks = Atomic<Int>(0)

    public init() {}

    /// Message bytes written by handlers or callers and not yet framed, summed over streams.
    public var bufferedOutboundBytes: Int { buffered.load(ordering: .relaxed) }
    /// The largest value `bufferedOutboundBytes` has had.
    public var peakBufferedOutboundBytes: Int { peak.load(ordering: .relaxed) }
    /// Streams currently open.
    public var openStreams: Int { streams.load(ordering: .relaxed) }
    /// Connections currently open.
    public var openConnections: Int { connections.load(ordering: .relaxed) }

    /// Keepalive PINGs the peer has acknowledged.
    public var keepalivePingsAcknowledged: Int { pingAcks.load(ordering: .relaxed) }

    /// Resets the peak to the current value (tests measure one phase at a time).
    public func resetPeak() {
        peak.store(buffered.load(ordering: .relaxed), ordering: .relaxed)
    }

    func addBuffered(_ delta: Int) {
        let now = buffered.add(delta, ordering: .relaxed).newValue
        if delta > 0 {
            var current = peak.load(ordering: .relaxed)
            while now > current {
                let (exchanged, original) = peak.compareExchange(
                    expected: current, desired: now, ordering: .relaxed)
                if exchanged { break }
                current = original
            }
        }
    }

    // MARK: Inbound buffering (server budget, see `ServerConfiguration`)

    private let bufferedInbound = Atomic<Int>(0)
    private let peakInbound = Atomic<Int>(0)

    /// Request bytes received and not yet read by a handler (nor discarded), summed over the
    /// server's connections; bounded by the inbound budgets.
    public var bufferedInboundBytes: Int { bufferedInbound.load(ordering: .relaxed) }
    /// The largest value `bufferedInboundBytes` has had.
    public var peakBufferedInboundBytes: Int { peakInbound.load(ordering: .relaxed) }

    func addBufferedInbound(_ delta: Int) {
        let now = bufferedInbound.add(delta, ordering: .relaxed).newValue
        if delta > 0 {
            var current = peakInbound.load(ordering: .relaxed)
            while now > current {
                let (exchanged, original) = peakInbound.compareExchange(
                    expected: current, desired: now, ordering: .relaxed)
                if exchanged { break }
                current = original
            }
        }
    }

    func streamOpened() { streams.add(1, ordering: .relaxed) }
    func streamClosed() { streams.subtract(1, ordering: .relaxed) }
    func connectionOpened() { connections.add(1, ordering: .relaxed) }
    func connectionClosed() { connections.subtract(1, ordering: .relaxed) }
    func pingAcknowledged() { pingAcks.add(1, ordering: .relaxed) }
}
