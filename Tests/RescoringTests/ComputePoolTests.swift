import Dispatch
import Foundation
import Rescoring
import Testing

@testable import RescorerServer

/// The compute pool on its own, with synthetic work: bounded queue, cancellation, deadlines, times.
@Suite struct ComputePoolTests {
    /// Holds the pool's only thread until released; every test releases it before returning.
    private struct Blocker {
        let gate = DispatchSemaphore(value: 0)
        let task: Task<ComputeOutcome<Void>, any Error>

        init(_ pool: ComputePool) async throws {
            let gate = self.gate
            task = Task { try await pool.submit { _ in gate.wait() } }
            try await within(.seconds(10), "the blocker runs") { await pool.waitUntil { $0.running == 1 } }
        }

        func release() { gate.signal() }
    }

    @Test func aFullQueueRefusesAtOnceWithARetryHint() async throws {
        let pool = ComputePool(threads: 1, queueCapacity: 2)
        let blocker = try await Blocker(pool)
        let queued = (0..<2).map { index in Task { try await pool.submit { _ in index } } }
        try await within(.seconds(10), "two jobs queued") { await pool.waitUntil { $0.queued == 2 } }

        // The thread is still held: the refusal cannot have waited for it.
        let refusal = await #expect(throws: ComputePoolError.self) { try await pool.submit { _ in 99 } }
        #expect(refusal?.code == .queueFull)
        #expect(
            refusal?.message.contains(
                "queue is full (2 requests waiting; compute threads: 1); retry in about") == true)
        #expect(pool.statistics.rejected == 1)

        blocker.release()
        var values: [Int] = []
        for task in queued { values.append(try await task.value.value) }
        #expect(values == [0, 1])
        _ = try await blocker.task.value
        #expect(pool.statistics.completed == 3)
    }

    @Test func aCancelledQueuedJobIsDroppedAtOnceAndNeverRuns() async throws {
        let pool = ComputePool(threads: 1, queueCapacity: 4)
        let blocker = try await Blocker(pool)
        let ran = Counter()
        let victim = Task { try await pool.submit { _ in ran.increment() } }
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
        let pool = ComputePool(threads: 1, queueCapacity: 1)
        let steps = Counter()
        let job = Task {
            try await pool.submit { budget in
                // Simulated batches of LM work, each followed by the budget check the engine makes.
                for _ in 0..<100_000 {
                    try budget.check()
                    steps.increment()
                    Thread.sleep(forTimeInterval: 0.001)
                }
            }
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
        let pool = ComputePool(threads: 1, queueCapacity: 4)
        let blocker = try await Blocker(pool)
        let ran = Counter()
        let late = Task { try await pool.submit(deadline: .now - .milliseconds(1)) { _ in ran.increment() } }
        try await within(.seconds(10), "the job is queued") { await pool.waitUntil { $0.queued == 1 } }
        blocker.release()
        let error = await #expect(throws: ComputePoolError.self) { try await late.value }
        #expect(error?.code == .deadlineExceeded)
        #expect(ran.value == 0)
        #expect(pool.statistics.dropped == 1)
    }

    @Test func queueAndComputeTimesAreMeasuredApart() async throws {
        let pool = ComputePool(threads: 1, queueCapacity: 4)
        let blocker = try await Blocker(pool)
        let job = Task { try await pool.submit { _ in Thread.sleep(forTimeInterval: 0.03) } }
        try await within(.seconds(10), "the job is queued") { await pool.waitUntil { $0.queued == 1 } }
        // Keep the job waiting for a known time before its thread frees up.
        try await Task.sleep(for: .milliseconds(30))
        blocker.release()
        let outcome = try await job.value
        #expect(outcome.queueTime >= .milliseconds(30))
        #expect(outcome.computeTime >= .milliseconds(30))
    }

    @Test func shutdownDropsQueuedJobsAndRefusesNewOnes() async throws {
        let pool = ComputePool(threads: 1, queueCapacity: 4)
        let blocker = try await Blocker(pool)
        let queued = Task { try await pool.submit { _ in 1 } }
        try await within(.seconds(10), "the job is queued") { await pool.waitUntil { $0.queued == 1 } }
        pool.shutdown()
        let dropped = await #expect(throws: ComputePoolError.self) { try await queued.value }
        #expect(dropped?.code == .shutDown)
        let refused = await #expect(throws: ComputePoolError.self) { try await pool.submit { _ in 2 } }
        #expect(refused?.code == .shutDown)
        blocker.release()
        _ = try await blocker.task.value
    }
}
