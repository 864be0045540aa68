import Synchronization

/// Entries (output lines, events) appended by one side of a test and awaited by the other.
///
/// The waiting side names the fact it needs ("the server printed its port", "the handler saw
/// the cancel twice") and is resumed by the append that makes it true, never by polling; the
/// timeout is only a safety net so a broken peer fails the test instead of hanging it.
public final class EventLog: Sendable {
    private struct Waiter {
        var id: UInt64
        var isSatisfied: @Sendable ([String]) -> Bool
        var continuation: CheckedContinuation<Bool, Never>
    }

    private struct State {
        var entries: [String] = []
        var ended = false
        var waiters: [Waiter] = []
        var abandoned: Set<UInt64> = []
        var nextID: UInt64 = 0
    }

    private let state = Mutex(State())

    public init() {}

    /// Every entry so far, in order.
    public var entries: [String] { state.withLock { $0.entries } }

    /// How many entries equal `entry`.
    public func count(of entry: String) -> Int { entries.filter { $0 == entry }.count }

    /// Appends `entry` and resumes the waiters it satisfies.
    public func append(_ entry: String) {
        let ready = state.withLock { state -> [CheckedContinuation<Bool, Never>] in
            state.entries.append(entry)
            let entries = state.entries
            let (done, pending) = state.waiters.reduce(into: ([Waiter](), [Waiter]())) { split, waiter in
                if waiter.isSatisfied(entries) { split.0.append(waiter) } else { split.1.append(waiter) }
            }
            state.waiters = pending
            return done.map(\.continuation)
        }
        for continuation in ready { continuation.resume(returning: true) }
    }

    /// No entry will follow (the peer's output ended): waiters still unsatisfied give up.
    public func end() {
        let waiters = state.withLock { state in
            state.ended = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.continuation.resume(returning: false) }
    }

    /// Waits until `isSatisfied(entries)` holds; `false` when the log ends or `timeout` passes first.
    public func wait(
        timeout: Duration = .seconds(60), until isSatisfied: @escaping @Sendable ([String]) -> Bool
    ) async -> Bool {
        let id = state.withLock { state in
            state.nextID += 1
            return state.nextID
        }
        return await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                await withCheckedContinuation { continuation in
                    let now: Bool? = self.state.withLock { state in
                        if isSatisfied(state.entries) { return true }
                        if state.ended || state.abandoned.remove(id) != nil { return false }
                        state.waiters.append(
                            Waiter(id: id, isSatisfied: isSatisfied, continuation: continuation))
                        return nil
                    }
                    if let now { continuation.resume(returning: now) }
                }
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return false
            }
            let first = await group.next() ?? false
            abandon(id)
            group.cancelAll()
            return first
        }
    }

    /// Waits until `entry` was appended at least `count` times.
    public func wait(for entry: String, count: Int = 1, timeout: Duration = .seconds(60)) async -> Bool {
        await wait(timeout: timeout) { $0.filter { $0 == entry }.count >= count }
    }

    /// Waits until the log ends (the peer's output closed); `false` when `timeout` passes first.
    public func waitForEnd(timeout: Duration = .seconds(60)) async -> Bool {
        _ = await wait(timeout: timeout) { _ in false }
        return state.withLock { $0.ended }
    }

    /// Releases waiter `id` if it is still waiting (the timeout won), or makes sure it never waits.
    private func abandon(_ id: UInt64) {
        let waiter: Waiter? = state.withLock { state in
            if let index = state.waiters.firstIndex(where: { $0.id == id }) {
                return state.waiters.remove(at: index)
            }
            return nil
        }
        if let waiter {
            waiter.continuation.resume(returning: false)
        } else {
            // Either it already resumed, or it has not registered yet: in the latter case it must not.
            state.withLock { state in
                if !state.waiters.contains(where: { $0.id == id }) { state.abandoned.insert(id) }
            }
        }
    }
}
