import Synchronization

/// Runs `body`, failing with a message naming `what` if it has not finished after `timeout`.
///
/// The timeout is a safety net against a hung child or peer, never the way a test waits for a fact.
/// It must fire even when `body` is stuck somewhere that ignores cancellation (a continuation
/// nobody resumes, a blocking read): a task group would cancel such a body and then wait for it
/// forever, turning a failure into a hung suite. So `body` races the deadline (`race`).
public func withTimeout<T: Sendable>(
    _ timeout: Duration, _ what: String, _ body: @escaping @Sendable () async throws -> T
) async throws -> T {
    try await race(body) {
        try await Task.sleep(for: timeout)
        throw TestFailure("timed out after \(timeout) waiting for \(what)")
    }
}

/// The outcome of whichever of `first` and `second` ends first; the other is cancelled and not
/// waited for (it may ignore cancellation).
public func race<T: Sendable>(
    _ first: @escaping @Sendable () async throws -> T, _ second: @escaping @Sendable () async throws -> T
) async throws -> T {
    let outcome = FirstOutcome<T>()
    let tasks = [first, second].map { body in
        Task {
            do {
                outcome.settle(.success(try await body()))
            } catch {
                outcome.settle(.failure(error))
            }
        }
    }
    defer {
        for task in tasks { task.cancel() }
    }
    return try await withTaskCancellationHandler {
        try await outcome.value()
    } onCancel: {
        outcome.settle(.failure(CancellationError()))
    }
}

/// The first result settled wins; later ones are dropped.
private final class FirstOutcome<T: Sendable>: Sendable {
    private struct State {
        var result: Result<T, any Error>?
        var waiter: CheckedContinuation<T, any Error>?
    }

    private let state = Mutex(State())

    func settle(_ result: Result<T, any Error>) {
        let waiter: CheckedContinuation<T, any Error>? = state.withLock { state in
            guard state.result == nil else { return nil }
            state.result = result
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(with: result)
    }

    func value() async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let settled: Result<T, any Error>? = state.withLock { state in
                if let result = state.result { return result }
                state.waiter = continuation
                return nil
            }
            if let settled { continuation.resume(with: settled) }
        }
    }
}
