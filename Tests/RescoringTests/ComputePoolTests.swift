import Dispatch
import Foundation
import Rescoring
import Synchronization
import Testing

@testable import RescorerServer

/// Synthetic work for a pool: each item is a closure that runs itself.
typealias Work = @Sendable (WorkBudget) throws -> Int

/// A pool of `Work` that records the size of every batch it processes.
final class WorkPool: Sendable {
    private final class BatchLog: Sendable {
        let sizes = Mutex<[Int]>([])
    }

    let pool: ComputePool<Work, Int>
    private let log = BatchLog()

    init(threads: Int = 1, queueCapacity: Int, batching: ComputeBatching = .off) {
        let log = self.log
        pool = ComputePool(threads: threads, queueCapacity: queueCapacity, batching: batching) {
            items, budget in
            log.sizes.withLock { $0.append(items.count) }
            return items.map { item in Result { try item(budget) } }
        }
    }

    var batchSizes: [Int] { log.sizes.withLock { $0 } }
}

/// The compute pool on its own, with synthetic work: bounded queue, cancellation, deadlines,
/// times, batching.
@Suite struct ComputePoolTests {
    /// Holds the pool's only thread until released; every test releases it before returning.
    private struct Blocker {
        let gate = DispatchSemaphore(value: 0)
        let task: Task<ComputeOutcome<Int>, any Error>

        init(_ pool: ComputePool<Work, Int>) async throws {
            let gate = self.gate
            task = Task {
                try await pool.submit({ _ in
                    gate.wait()
                    return 0
                })
            }
            try await within(.seconds(10), "the blocker runs") { await pool.waitUntil { $0.running == 1 } }
        }

        func release() { gate.signal() }
    }

    @Test func aFullQueueRefusesAtOnceWithARetryHint() async throws {
        let pool = WorkPool(queueCapacity: 2).pool
        let blocker = try await Blocker(pool)
        let queued = (0..<2).map { index in Task { try await pool.submit({ _ in index }) } }
        try await within(.seconds(10), "two jobs queued") { await pool.waitUntil { $0.queued == 2 } }

        // The thread is still held: the refusal cannot have waited for it.
        let refusal = await #expect(throws: ComputePoolError.self) { try await pool.submit({ _ in 99 }) }
        #expect(refusal?.code == .queueFull)
        #expect(
            refusal?.message.contains(
                "queue is full (2 requests waiting; compute threads: 1); retry in about")
                == true)
        #expect(pool.statistics.rejected == 1)

        blocker.release()
        var values: [Int] = []
        for task in queued { values.append(try await task.value.value) }
        #expect(values == [0, 1])
        _ = try await blocker.task.value
        #expect(pool.statistics.completed == 3)
    }

    @Test func aCancelledQueuedJobIsDroppedAtOnceAndNeverRuns() async throws {
        let pool = WorkPool(queueCapacity: 4).pool
        let blocker = try await Blocker(pool)
        let ran = Counter()
        let victim = Task { try await pool.submit({ _ in ran.increment() }) }
        try await within(.seconds(10), "the job is queued") { await pool.waitUntil { $0.queued == 1 } }

        victim.cancel()
        // Answered while the thread is still held.
        let error = await #expect(throws: ComputePoolError.self) { try await victim.value }
        #expect(error?.code == .cancelled)
        #expect(pool.statistics.dropped == 1 && pool.statistics.queued == 0)

        blocker.release()
        try await within(.seconds(10), "the pool is idle") { await pool.waitUntil(\.isIdle) }
        #expect(ran.value == 0)
        #expect(pool.statistics.completed == 1)
    }

    @Test func aCancelledRunningJobReleasesItsCallerAndStopsAtItsNextCheck() async throws {
        let pool = WorkPool(queueCapacity: 1).pool
        let steps = Counter()
        let job = Task {
            try await pool.submit({ budget in
                // Simulated batches of LM work, each followed by the budget check the engine makes.
                for _ in 0..<100_000 {
                    try budget.check()
                    steps.increment()
                    Thread.sleep(forTimeInterval: 0.001)
                }
                return steps.value
            })
        }
        try await within(.seconds(10), "the job runs") { await pool.waitUntil { $0.running == 1 } }
        job.cancel()
        let error = await #expect(throws: ComputePoolError.self) { try await job.value }
        #expect(error?.code == .cancelled)
        try await within(.seconds(10), "the work stops") { await pool.waitUntil(\.isIdle) }
        #expect(pool.statistics.failed == 1 && pool.statistics.completed == 0)
        #expect(steps.value < 100_000)
    }

    @Test func aJobWhoseDeadlinePassedInTheQueueIsDroppedUnrun() async throws {
        let pool = WorkPool(queueCapacity: 4).pool
        let blocker = try await Blocker(pool)
        let ran = Counter()
        let late = Task { try await pool.submit({ _ in ran.increment() }, deadline: .now - .milliseconds(1)) }
        try await within(.seconds(10), "the job is queued") { await pool.waitUntil { $0.queued == 1 } }
        blocker.release()
        let error = await #expect(throws: ComputePoolError.self) { try await late.value }
        #expect(error?.code == .deadlineExceeded)
        #expect(ran.value == 0)
        #expect(pool.statistics.dropped == 1)
    }

    @Test func queueAndComputeTimesAreMeasuredApart() async throws {
        let pool = WorkPool(queueCapacity: 4).pool
        let blocker = try await Blocker(pool)
        let job = Task {
            try await pool.submit({ _ in
                Thread.sleep(forTimeInterval: 0.03)
                return 0
            })
        }
        try await within(.seconds(10), "the job is queued") { await pool.waitUntil { $0.queued == 1 } }
        // Keep the job waiting for a known time before its thread frees up.
        try await Task.sleep(for: .milliseconds(30))
        blocker.release()
        let outcome = try await job.value
        #expect(outcome.queueTime >= .milliseconds(30))
        #expect(outcome.computeTime >= .milliseconds(30))
    }

    @Test func jobsQueuedTogetherAreProcessedInBatchesWithinTheBounds() async throws {
        let work = WorkPool(queueCapacity: 8, batching: ComputeBatching(maximumJobs: 3, maximumCost: 2))
        let pool = work.pool
        let blocker = try await Blocker(pool)
        let queued = (1...5).map { index in Task { try await pool.submit({ _ in index }) } }
        try await within(.seconds(10), "five jobs queued") { await pool.waitUntil { $0.queued == 5 } }
        blocker.release()
        var values: [Int] = []
        for task in queued { values.append(try await task.value.value) }
        #expect(values == [1, 2, 3, 4, 5])
        // The blocker alone, then at most two jobs (cost 1 each, maximum cost 2) per pass.
        #expect(work.batchSizes == [1, 2, 2, 1])
        #expect(pool.statistics.completed == 6 && pool.statistics.passes == 4)
    }

    @Test func shutdownDropsQueuedJobsAndRefusesNewOnes() async throws {
        let pool = WorkPool(queueCapacity: 4).pool
        let blocker = try await Blocker(pool)
        let queued = Task { try await pool.submit({ _ in 1 }) }
        try await within(.seconds(10), "the job is queued") { await pool.waitUntil { $0.queued == 1 } }
        pool.shutdown()
        let dropped = await #expect(throws: ComputePoolError.self) { try await queued.value }
        #expect(dropped?.code == .shutDown)
        let refused = await #expect(throws: ComputePoolError.self) { try await pool.submit({ _ in 2 }) }
        #expect(refused?.code == .shutDown)
        blocker.release()
        _ = try await blocker.task.value
    }
}
