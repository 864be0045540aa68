import Synchronization

/// Tells subscribers which runs gained records, so watchers recompute only when their run changed.
///
/// Each subscriber gets an `AsyncStream` that keeps only the newest pending notification: a
/// watcher that is busy computing a report sees one wake-up for any number of records that
/// arrived meanwhile (reports are recomputed from the store, so nothing is lost by coalescing).
package final class StoreChanges: Sendable {
    private struct State {
        var subscribers: [Int: (run: String?, continuation: AsyncStream<Void>.Continuation)] = [:]
        var nextID = 0
    }

    private let state = Mutex(State())

    package init() {}

    /// A stream that yields after every committed change to `run` (every run when `nil`).
    package func subscribe(run: String?) -> AsyncStream<Void> {
        let (stream, continuation) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let id = state.withLock { state in
            defer { state.nextID += 1 }
            state.subscribers[state.nextID] = (run, continuation)
            return state.nextID
        }
        continuation.onTermination = { [weak self] _ in
            _ = self?.state.withLock { $0.subscribers.removeValue(forKey: id) }
        }
        return stream
    }

    /// Wakes the subscribers of `runs` (and of every run).
    package func publish(runs: Set<String>) {
        guard !runs.isEmpty else { return }
        let targets = state.withLock { state in
            state.subscribers.values.filter { $0.run.map(runs.contains) ?? true }.map(\.continuation)
        }
        for continuation in targets { continuation.yield() }
    }

    /// Wakes every subscriber (changes may have been missed, e.g. while a listener reconnected).
    package func publishAll() {
        let all = state.withLock { state in state.subscribers.values.map(\.continuation) }
        for continuation in all { continuation.yield() }
    }

    /// Ends every subscription (the store is closing).
    package func finishAll() {
        let all = state.withLock { state in
            defer { state.subscribers.removeAll() }
            return state.subscribers.values.map(\.continuation)
        }
        for continuation in all { continuation.finish() }
    }
}
