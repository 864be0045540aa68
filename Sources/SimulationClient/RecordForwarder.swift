import RescoringMessages

/// A bounded buffer of `EvaluationRecord`s between the replica workers and the aggregator.
///
/// A record stays in the buffer until the aggregator has acknowledged it (a `Record` call
/// returned its summary); when the buffer is full, `submit` waits, which stops the worker from
/// reading results, which holds back its stream: a slow aggregator slows the run instead of
/// growing memory. Resending an unacknowledged batch after a reconnect is safe because the
/// aggregator upserts by (run, condition, utterance).
actor RecordForwarder {
    /// Totals of the acknowledged records.
    struct Totals: Sendable {
        var submitted = 0
        var acknowledged = 0
        var accepted: UInt64 = 0
        var duplicates: UInt64 = 0
        var rejected: UInt64 = 0
        var errors: [String] = []
        var resentBatches = 0
        /// Failed `Record` calls (aggregator gone, refused, timed out).
        var failedCalls = 0
    }

    let capacity: Int
    let batchSize: Int
    private var buffer: [EvaluationRecord] = []
    private var totals = Totals()
    private var closed = false
    private var failure: SimulationRunError?
    private var spaceWaiters: [CheckedContinuation<Void, Never>] = []
    private var dataWaiter: CheckedContinuation<Void, Never>?

    init(capacity: Int, batchSize: Int) {
        self.capacity = max(capacity, 1)
        self.batchSize = max(min(batchSize, capacity), 1)
    }

    /// Adds a record, waiting while the buffer is full.
    ///
    /// - Throws: `SimulationRunError` once delivery has failed for good.
    func submit(_ record: EvaluationRecord) async throws(SimulationRunError) {
        while buffer.count >= capacity, failure == nil {
            await withCheckedContinuation { spaceWaiters.append($0) }
        }
        if let failure { throw failure }
        buffer.append(record)
        totals.submitted += 1
        wakeDelivery()
    }

    /// No more records will come; delivery ends once the buffer is acknowledged.
    func close() {
        closed = true
        wakeDelivery()
    }

    /// Delivery gave up: waiting submitters fail with `error`.
    func fail(_ error: SimulationRunError) {
        failure = error
        resumeSubmitters()
        wakeDelivery()
    }

    var currentTotals: Totals { totals }
    var bufferedCount: Int { buffer.count }

    /// The oldest unacknowledged records (up to a batch), waiting until there are some; nil
    /// once closed (or failed) with nothing left.
    func nextBatch() async -> [EvaluationRecord]? {
        while buffer.isEmpty, !closed, failure == nil {
            await withCheckedContinuation { dataWaiter = $0 }
        }
        guard failure == nil, !buffer.isEmpty else { return nil }
        return Array(buffer.prefix(batchSize))
    }

    /// The aggregator acknowledged the first `count` buffered records with `summary`.
    func acknowledge(_ count: Int, summary: RecordSummary, resent: Bool) {
        buffer.removeFirst(min(count, buffer.count))
        totals.acknowledged += count
        totals.accepted += summary.accepted
        totals.duplicates += summary.duplicates
        totals.rejected += summary.rejected
        totals.errors += summary.errors.prefix(max(0, 10 - totals.errors.count))
        if resent { totals.resentBatches += 1 }
        resumeSubmitters()
    }

    /// A `Record` call failed; its batch stays buffered for the resend.
    func noteFailedCall() {
        totals.failedCalls += 1
    }

    private func resumeSubmitters() {
        let waiting = spaceWaiters
        spaceWaiters = []
        for waiter in waiting { waiter.resume() }
    }

    private func wakeDelivery() {
        dataWaiter?.resume()
        dataWaiter = nil
    }
}
