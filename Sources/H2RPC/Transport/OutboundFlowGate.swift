import Synchronization

/// Counts the bytes a writer has handed to a stream but HTTP/2 has not yet sent, and suspends
/// the writer while that count is above the high-water mark.
///
/// This is the send-side half of backpressure: when the peer stops granting flow-control window,
/// nghttp2 stops pulling bytes from the stream, the count stays high, and the writing task waits
/// here instead of buffering without bound. The event loop calls `release` as nghttp2 copies
/// bytes into frames; the writer resumes once the count falls to the low-water mark.
///
/// The connection-wide `TransportStatistics` move inside the same lock as the stream's count:
/// updated after it, a release could land after the writer's next add, and the peak the
/// statistics report overshot the stream's true bound (by 35 bytes in one loaded suite run).
final class OutboundFlowGate: Sendable {
    private struct State {
        var bufferedBytes = 0
        var closedError: RPCError?
        var waiter: CheckedContinuation<Void, any Error>?
    }

    private let state = Mutex(State())
    private let highWatermark: Int
    private let lowWatermark: Int
    private let statistics: TransportStatistics

    init(highWatermark: Int, statistics: TransportStatistics) {
        self.highWatermark = highWatermark
        self.lowWatermark = highWatermark / 2
        self.statistics = statistics
    }

    /// Bytes accepted from the writer and not yet framed by nghttp2.
    var bufferedBytes: Int { state.withLock { $0.bufferedBytes } }

    /// True while a writer is suspended in `waitForCapacity`: lets tests await the suspension
    /// itself instead of sleeping and hoping it happened.
    var hasWaitingWriter: Bool { state.withLock { $0.waiter != nil } }

    /// Writer: records `byteCount` new bytes; throws if the stream is already closed.
    func add(_ byteCount: Int) throws(RPCError) {
        let closed: RPCError? = state.withLock { state in
            if let error = state.closedError { return error }
            state.bufferedBytes += byteCount
            statistics.addBuffered(byteCount)
            return nil
        }
        if let closed { throw closed }
    }

    /// Writer: waits until the buffered bytes are at or below the low-water mark.
    func waitForCapacity() async throws {
        let mustWait = state.withLock { $0.bufferedBytes > highWatermark && $0.closedError == nil }
        guard mustWait else {
            if let error = state.withLock({ $0.closedError }) { throw error }
            return
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation {
                (continuation: CheckedContinuation<Void, any Error>) in
                let immediate: Result<Void, any Error>? = state.withLock { state in
                    if let error = state.closedError { return .failure(error) }
                    if state.bufferedBytes <= lowWatermark { return .success(()) }
                    if Task.isCancelled { return .failure(CancellationError()) }
                    state.waiter = continuation
                    return nil
                }
                if let immediate { continuation.resume(with: immediate) }
            }
        } onCancel: {
            let waiter = state.withLock { state in
                let waiter = state.waiter
                state.waiter = nil
                return waiter
            }
            waiter?.resume(throwing: CancellationError())
        }
    }

    /// Event loop: `byteCount` bytes left the stream's buffer.
    ///
    /// After `close` the count was already dropped, so bytes still sent from the stream's buffer
    /// (the body before DEADLINE_EXCEEDED trailers) are not subtracted twice.
    func release(_ byteCount: Int) {
        let waiter: CheckedContinuation<Void, any Error>? = state.withLock { state in
            guard state.closedError == nil else { return nil }
            state.bufferedBytes -= byteCount
            statistics.addBuffered(-byteCount)
            guard state.bufferedBytes <= lowWatermark, let waiter = state.waiter else { return nil }
            state.waiter = nil
            return waiter
        }
        waiter?.resume()
    }

    /// Event loop: the stream can take no more data; wakes the writer with `error`.
    ///
    /// Bytes still counted are released from the statistics because the buffer is dropped.
    func close(_ error: RPCError) {
        let waiter: CheckedContinuation<Void, any Error>? = state.withLock { state in
            if state.closedError == nil { state.closedError = error }
            if state.bufferedBytes != 0 { statistics.addBuffered(-state.bufferedBytes) }
            state.bufferedBytes = 0
            let waiter = state.waiter
            state.waiter = nil
            return waiter
        }
        waiter?.resume(throwing: error)
    }
}
