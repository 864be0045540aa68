/// When scoring must stop early: a deadline and a cancellation signal, checked between batches.
///
/// The engine cannot see the transport, so whoever runs it (an RPC handler, a compute pool, an
/// offline tool) says through this value when the result is no longer wanted. The engine tests it
/// before each batch of LM work and between trie waves, so queued work is never started and running
/// work stops at the next boundary.
public struct WorkBudget: Sendable {
    /// When the result stops being useful; `nil` for no deadline.
    public var deadline: ContinuousClock.Instant?
    /// Whether the caller has given up on the result (read from any thread).
    public var isCancelled: @Sendable () -> Bool

    /// - Parameters:
    ///   - deadline: when the result stops being useful; `nil` for none.
    ///   - isCancelled: whether the caller has given up; never cancelled by default.
    public init(
        deadline: ContinuousClock.Instant? = nil, isCancelled: @escaping @Sendable () -> Bool = { false }
    ) {
        self.deadline = deadline
        self.isCancelled = isCancelled
    }

    /// Throws `RescoringError` with `.cancelled` or `.deadlineExceeded` when work must stop.
    ///
    /// Cancellation wins over the deadline: a call that was both cancelled and late was cancelled.
    public func check() throws(RescoringError) {
        if isCancelled() {
            throw RescoringError(.cancelled, "the caller cancelled the request")
        }
        if let deadline, ContinuousClock.now >= deadline {
            throw RescoringError(.deadlineExceeded, "the request's deadline passed before scoring finished")
        }
    }
}
