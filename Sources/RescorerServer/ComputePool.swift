import Dispatch
import Foundation
public import Rescoring
import Synchronization

/// A value computed on the pool, with where its time went.
public struct ComputeOutcome<Value: Sendable>: Sendable {
    public var value: Value
    /// From submission until a thread started the job.
    public var queueTime: Duration
    /// From start to end of the pass that computed the job (shared by the jobs of one batch).
    public var computeTime: Duration
}

/// Dedicated threads for CPU-heavy work, fed by a bounded queue.
///
/// The pool computes one kind of work: `process` turns a batch of items into one result per
/// item. A free thread takes the oldest queued job and, within `ComputeBatching`, the jobs queued
/// behind it, and processes them in one call.
///
/// LM scoring takes tens to thousands of milliseconds of one core. Run on Swift's cooperative
/// pool (one thread per core) or on an event loop, a few such jobs would starve every other task
/// of the process (health checks, adapter listing, network I/O). The pool's own threads leave those
/// free, the bounded queue turns overload into an immediate, retryable refusal instead of
/// unbounded memory and latency, and jobs whose caller has given up never start.
///
/// Cancellation: cancelling the submitting task removes a queued job at once (it is never
/// computed) and releases the submitter of a running job at once; the running work sees
/// `WorkBudget.isCancelled` (true once every job of its batch is cancelled; its deadline is the
/// batch's latest) and stops at its next check. A job whose deadline has passed when a
/// thread reaches it is dropped. (The RPC transport cancels a handler's task when its deadline
/// passes, so a late queued call is dropped as soon as it is late.)
///
/// The threads end when the pool is released (after finishing the job they are running) or on
/// `shutdown()`.
public final class ComputePool<Item: Sendable, Value: Sendable>: Sendable {
    /// A submitted item and the hand-over of its result.
    private final class Job: Sendable {
        let item: Item
        let cost: Int
        let enqueued: ContinuousClock.Instant
        let deadline: ContinuousClock.Instant?
        let cancelled = Atomic<Bool>(false)
        let completion = ComputeCompletion<ComputeOutcome<Value>>()

        init(item: Item, cost: Int, enqueued: ContinuousClock.Instant, deadline: ContinuousClock.Instant?) {
            self.item = item
            self.cost = cost
            self.enqueued = enqueued
            self.deadline = deadline
        }

        /// Ends the job without (further) work, releasing the submitter.
        func abandon(_ error: ComputePoolError) {
            completion.finish(.failure(error))
        }
    }

    private struct Waiter {
        var condition: @Sendable (ComputePoolStatistics) -> Bool
        var continuation: CheckedContinuation<Void, Never>
    }

    private struct State {
        var queue: [Job] = []
        var statistics = ComputePoolStatistics()
        var isShutDown = false
        var waiters: [UInt64: Waiter] = [:]
        var nextWaiterID: UInt64 = 0
        /// Mean compute time of recent jobs (exponentially weighted), for the retry hint.
        var recentComputeTime: Duration = .zero

        /// Resumes the waiters whose condition now holds.
        mutating func notifyWaiters() {
            for (id, waiter) in waiters where waiter.condition(statistics) {
                waiters[id] = nil
                waiter.continuation.resume()
            }
        }
    }

    /// State shared with the threads; the pool handle's `deinit` shuts it down.
    private final class Shared: Sendable {
        let state = Mutex(State())
        /// One signal per queued job and one per thread at shutdown.
        let wakeups = DispatchSemaphore(value: 0)
        let threadCount: Int
        let queueCapacity: Int
        let batching: ComputeBatching
        let cost: @Sendable (Item) -> Int
        let process: @Sendable ([Item], WorkBudget) -> [Result<Value, any Error>]

        init(
            threadCount: Int, queueCapacity: Int, batching: ComputeBatching,
            cost: @escaping @Sendable (Item) -> Int,
            process: @escaping @Sendable ([Item], WorkBudget) -> [Result<Value, any Error>]
        ) {
            self.threadCount = threadCount
            self.queueCapacity = queueCapacity
            self.batching = batching
            self.cost = cost
            self.process = process
        }
    }

    private let shared: Shared

    /// Number of dedicated threads.
    public var threadCount: Int { shared.threadCount }
    /// Jobs that may wait for a thread before submissions are refused.
    public var queueCapacity: Int { shared.queueCapacity }

    /// Starts `threads` threads named `name-0`, `name-1`, ….
    ///
    /// - Parameters:
    ///   - threads: at least 1.
    ///   - queueCapacity: waiting jobs (not counting running ones) before `submit` throws
    ///     `.queueFull`; at least 1 (a job waits in the queue until a thread takes it, even an
    ///     idle one).
    ///   - batching: how many queued jobs one pass may take; off by default.
    ///   - cost: an item's cost for `batching.maximumCost`.
    ///   - process: computes a batch of items, returning one result per item in order; it should
    ///     check its `WorkBudget` between steps.
    public init(
        threads: Int, queueCapacity: Int, batching: ComputeBatching = .off,
        cost: @escaping @Sendable (Item) -> Int = { _ in 1 }, name: String = "compute",
        process: @escaping @Sendable ([Item], WorkBudget) -> [Result<Value, any Error>]
    ) {
        precondition(threads >= 1, "a compute pool needs a thread")
        precondition(queueCapacity >= 1, "a job passes through the queue, so it needs a slot")
        let shared = Shared(
            threadCount: threads, queueCapacity: queueCapacity, batching: batching, cost: cost,
            process: process)
        self.shared = shared
        for index in 0..<threads {
            let thread = Thread { Self.work(shared) }
            thread.name = "\(name)-\(index)"
            thread.start()
        }
    }

    deinit {
        shutdown()
    }

    /// Computes `item` on a pool thread and returns its value.
    ///
    /// - Parameter deadline: when the result stops being useful; a job still queued then is
    ///   dropped, and the work's budget carries it.
    /// - Throws: `ComputePoolError` (`.queueFull` at once when the queue is full, `.cancelled`,
    ///   `.deadlineExceeded` before the job started, `.shutDown`), or the item's failure.
    public func submit(
        _ item: Item, deadline: ContinuousClock.Instant? = nil
    ) async throws -> ComputeOutcome<Value> {
        let job = Job(item: item, cost: shared.cost(item), enqueued: .now, deadline: deadline)
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                job.completion.install(continuation)
                enqueue(job)
            }
        } onCancel: {
            cancel(job)
        }
    }

    /// A snapshot of the pool's counters.
    public var statistics: ComputePoolStatistics {
        shared.state.withLock { $0.statistics }
    }

    /// Returns once `condition` holds for the pool's counters (or at once if it holds now, or when
    /// the waiting task is cancelled).
    ///
    /// `condition` runs under the pool's lock after every change: keep it a cheap, pure test.
    public func waitUntil(_ condition: @escaping @Sendable (ComputePoolStatistics) -> Bool) async {
        let id = shared.state.withLock { state in
            defer { state.nextWaiterID += 1 }
            return state.nextWaiterID
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                shared.state.withLock { state in
                    if condition(state.statistics) || Task.isCancelled {
                        continuation.resume()
                    } else {
                        state.waiters[id] = Waiter(condition: condition, continuation: continuation)
                    }
                }
            }
        } onCancel: {
            shared.state.withLock { state in
                state.waiters.removeValue(forKey: id)?.continuation.resume()
            }
        }
    }

    /// Refuses new jobs, drops the queued ones and lets each thread end after its current job.
    public func shutdown() {
        let dropped: [Job] = shared.state.withLock { state in
            guard !state.isShutDown else { return [] }
            state.isShutDown = true
            let queued = state.queue
            state.queue = []
            state.statistics.queued = 0
            state.statistics.dropped += queued.count
            state.notifyWaiters()
            return queued
        }
        for job in dropped {
            job.abandon(ComputePoolError(.shutDown, "the compute pool is shutting down"))
        }
        for _ in 0..<shared.threadCount { shared.wakeups.signal() }
    }

    /// A retry hint for a refused job: the time the threads need to work off a full queue.
    private static func retryHint(_ state: State, threads: Int) -> Duration {
        let perJob = max(state.recentComputeTime, .milliseconds(10))
        return perJob * max(1, (state.statistics.queued + state.statistics.running) / threads)
    }

    private func enqueue(_ job: Job) {
        let refusal: ComputePoolError? = shared.state.withLock { state in
            if state.isShutDown {
                state.statistics.dropped += 1
                return ComputePoolError(.shutDown, "the compute pool is shutting down")
            }
            if job.cancelled.load(ordering: .acquiring) {
                state.statistics.dropped += 1
                state.notifyWaiters()
                return ComputePoolError(.cancelled, "the call was cancelled before its job was queued")
            }
            guard state.queue.count < shared.queueCapacity else {
                state.statistics.rejected += 1
                state.notifyWaiters()
                let hint = Self.retryHint(state, threads: shared.threadCount)
                return ComputePoolError(
                    .queueFull,
                    "the compute queue is full (\(shared.queueCapacity) requests waiting; compute threads:"
                        + " \(shared.threadCount)); retry in about \(hint.milliseconds) ms or use another replica",
                    retryAfter: hint)
            }
            state.queue.append(job)
            state.statistics.queued += 1
            state.notifyWaiters()
            return nil
        }
        if let refusal {
            job.abandon(refusal)
        } else {
            shared.wakeups.signal()
        }
    }

    private func cancel(_ job: Job) {
        job.cancelled.store(true, ordering: .releasing)
        shared.state.withLock { state in
            if let index = state.queue.firstIndex(where: { $0 === job }) {
                state.queue.remove(at: index)
                state.statistics.queued -= 1
                state.statistics.dropped += 1
                state.notifyWaiters()
            }
        }
        job.abandon(ComputePoolError(.cancelled, "the call was cancelled"))
    }

    /// What a thread found in the queue.
    private enum Pick {
        case stop
        case nothing
        case drop(Job, ComputePoolError)
        case run([Job])
    }

    /// Takes the next job and the queued jobs that may join its batch, deciding under the lock
    /// whether each runs, so the counters stay exact.
    private static func pick(_ shared: Shared) -> Pick {
        shared.state.withLock { state in
            if state.isShutDown { return .stop }
            guard !state.queue.isEmpty else { return .nothing }
            defer { state.notifyWaiters() }
            let first = state.queue.removeFirst()
            state.statistics.queued -= 1
            if let reason = Self.dropReason(first) {
                state.statistics.dropped += 1
                return .drop(first, reason)
            }
            var batch = [first]
            var cost = first.cost
            // Later jobs join while they fit; dead ones stay for a thread to drop (and signal).
            var index = 0
            while batch.count < shared.batching.maximumJobs, index < state.queue.count {
                let candidate = state.queue[index]
                guard Self.dropReason(candidate) == nil else {
                    index += 1
                    continue
                }
                guard cost + candidate.cost <= shared.batching.maximumCost else { break }
                state.queue.remove(at: index)
                state.statistics.queued -= 1
                batch.append(candidate)
                cost += candidate.cost
            }
            state.statistics.running += batch.count
            return .run(batch)
        }
    }

    /// Why a queued job must not run, if it must not.
    private static func dropReason(_ job: Job) -> ComputePoolError? {
        if job.cancelled.load(ordering: .acquiring) {
            return ComputePoolError(.cancelled, "the call was cancelled while it waited")
        }
        if let deadline = job.deadline, ContinuousClock.now >= deadline {
            return ComputePoolError(
                .deadlineExceeded, "the call's deadline passed while it waited for compute")
        }
        return nil
    }

    /// A thread's loop: take the next live jobs, compute them, repeat until shutdown.
    private static func work(_ shared: Shared) {
        while true {
            shared.wakeups.wait()
            let batch: [Job]
            switch pick(shared) {
            case .stop: return
            case .nothing: continue
            case .drop(let dropped, let error):
                dropped.abandon(error)
                continue
            case .run(let picked): batch = picked
            }
            let started = ContinuousClock.now
            let deadlines = batch.map(\.deadline)
            let budget = WorkBudget(
                deadline: deadlines.contains(nil) ? nil : deadlines.compactMap { $0 }.max()
            ) { batch.allSatisfy { $0.cancelled.load(ordering: .relaxed) } }
            let results = shared.process(batch.map(\.item), budget)
            precondition(results.count == batch.count, "one result per item")
            let elapsed = ContinuousClock.now - started
            let succeeded = results.filter { if case .success = $0 { true } else { false } }.count
            shared.state.withLock { state in
                state.statistics.running -= batch.count
                state.statistics.passes += 1
                state.statistics.completed += succeeded
                state.statistics.failed += batch.count - succeeded
                state.recentComputeTime =
                    state.recentComputeTime == .zero ? elapsed : (state.recentComputeTime * 7 + elapsed) / 8
                state.notifyWaiters()
            }
            // After the counters: a submitter that has its result sees them.
            for (job, result) in zip(batch, results) {
                job.completion.finish(
                    result.map {
                        ComputeOutcome(value: $0, queueTime: started - job.enqueued, computeTime: elapsed)
                    })
            }
        }
    }
}

extension Duration {
    /// Whole milliseconds, rounded down (the retry hints of refusals).
    var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000 + attoseconds / 1_000_000_000_000_000
    }
}
