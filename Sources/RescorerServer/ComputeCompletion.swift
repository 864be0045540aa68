import Synchronization

/// The one-time hand-over of a job's result to the task awaiting it.
///
/// A result can arrive before the awaiting task has installed its continuation (a call cancelled
/// as it starts), after it (the usual case), or twice (a running job's caller is released at once
/// on cancellation, and the job's own result arrives later): the first result wins and the
/// continuation is resumed exactly once.
final class ComputeCompletion<Value: Sendable>: Sendable {
    private struct Slot {
        var continuation: CheckedContinuation<Value, any Error>?
        var result: Result<Value, any Error>?
    }

    private let slot = Mutex(Slot())

    /// Resumes `continuation` now if a result is already in, else when it arrives.
    func install(_ continuation: CheckedContinuation<Value, any Error>) {
        slot.withLock { slot in
            if let result = slot.result {
                continuation.resume(with: result)
            } else {
                slot.continuation = continuation
            }
        }
    }

    /// Delivers `result` unless one was delivered before.
    func finish(_ result: Result<Value, any Error>) {
        slot.withLock { slot in
            guard slot.result == nil else { return }
            slot.result = result
            slot.continuation?.resume(with: result)
            slot.continuation = nil
        }
    }
}
