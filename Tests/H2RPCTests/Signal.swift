import Synchronization

/// A one-shot event a test can wait for with a timeout: "the handler started", "it was cancelled".
final class Signal: Sendable {
    private struct State {
        var fired = false
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())

    var isFired: Bool { state.withLock { $0.fired } }

    func fire() {
        let waiters = state.withLock { state in
            state.fired = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Waits until fired or `timeout` passes; returns whether it fired.
    func wait(timeout: Duration = .seconds(10)) async -> Bool {
        await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                await withCheckedContinuation { continuation in
                    let fired = self.state.withLock { state in
                        if state.fired { return true }
                        state.waiters.append(continuation)
                        return false
                    }
                    if fired { continuation.resume() }
                }
                return true
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return false
            }
            let first = await group.next() ?? false
            if !first {
                // Release our waiter so the group can finish.
                self.fire()
            }
            group.cancelAll()
            return first
        }
    }
}
