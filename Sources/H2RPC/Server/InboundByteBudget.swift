import Synchronization

/// Request bytes the whole server holds in memory (received, not yet read by a handler), and
/// the connections waiting for that total to fall below its budget.
///
/// Shared by every connection of one `RPCServer`. While the total is at or above `limit`, no
/// connection returns connection-level flow-control credit, so clients stall instead of growing
/// the server's memory; when bytes are released below the limit the waiting connections are woken.
final class ServerInboundBudget: Sendable {
    private struct State {
        var buffered = 0
        var waiters: [ObjectIdentifier: @Sendable () -> Void] = [:]
    }

    let limit: Int
    private let state = Mutex(State())
    private let statistics: TransportStatistics

    init(limit: Int, statistics: TransportStatistics) {
        self.limit = limit
        self.statistics = statistics
    }

    var bufferedBytes: Int { state.withLock { $0.buffered } }
    var hasRoom: Bool { state.withLock { $0.buffered < limit } }

    func add(_ byteCount: Int) {
        state.withLock { $0.buffered += byteCount }
        statistics.addBufferedInbound(byteCount)
    }

    func release(_ byteCount: Int) {
        let waiters: [@Sendable () -> Void] = state.withLock { state in
            state.buffered -= byteCount
            guard state.buffered < limit, !state.waiters.isEmpty else { return [] }
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        statistics.addBufferedInbound(-byteCount)
        for wake in waiters { wake() }
    }

    /// Calls `wake` once the total is below the limit; at once if it already is.
    func notifyWhenRoom(_ key: ObjectIdentifier, _ wake: @escaping @Sendable () -> Void) {
        let roomNow = state.withLock { state in
            if state.buffered < limit { return true }
            state.waiters[key] = wake
            return false
        }
        if roomNow { wake() }
    }

    func cancelNotification(_ key: ObjectIdentifier) {
        state.withLock { _ = $0.waiters.removeValue(forKey: key) }
    }
}

/// Request bytes one connection holds, counted from any thread: the event loop adds bytes as
/// DATA arrives, the reading tasks release them as they take messages (or the stream discards
/// them). A release wakes the event loop when it is withholding credit.
final class ConnectionInboundBudget: Sendable {
    let limit: Int
    let server: ServerInboundBudget
    private let buffered = Atomic<Int>(0)
    private let wantsWake = Atomic<Bool>(false)
    private let wake: @Sendable () -> Void

    init(limit: Int, server: ServerInboundBudget, wake: @escaping @Sendable () -> Void) {
        self.limit = limit
        self.server = server
        self.wake = wake
    }

    var bufferedBytes: Int { buffered.load(ordering: .relaxed) }

    /// Event loop: `byteCount` request bytes arrived for a live stream.
    func add(_ byteCount: Int) {
        buffered.add(byteCount, ordering: .relaxed)
        server.add(byteCount)
    }

    /// Any thread: `byteCount` bytes left memory (read by the handler or discarded).
    func release(_ byteCount: Int) {
        guard byteCount > 0 else { return }
        buffered.subtract(byteCount, ordering: .relaxed)
        server.release(byteCount)
        if wantsWake.exchange(false, ordering: .acquiringAndReleasing) { wake() }
    }

    /// Event loop: the next release should wake the loop (it is withholding credit).
    func requestWake() {
        wantsWake.store(true, ordering: .releasing)
    }
}
