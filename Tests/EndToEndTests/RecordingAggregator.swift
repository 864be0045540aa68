import H2RPC
import Logging
import RescoringMessages
import RescoringRPC
import Synchronization

/// An in-process `MetricsAggregator` test double that keeps every record it receives and
/// acknowledges each `Record` call with the count, upserting by (run, condition, utterance) as
/// the real aggregator does: an identical resend is a duplicate, a different one is rejected.
///
/// It stands in until the `metrics-aggregator` executable lands; tests wait on `waitForRecords`,
/// a fact, not on time.
final class RecordingAggregator: MetricsAggregatorService, Sendable {
    struct Key: Hashable, Sendable {
        var run: String
        var condition: String
        var utterance: String
    }

    private struct State {
        var received: [EvaluationRecord] = []
        var stored: [Key: EvaluationRecord] = [:]
        var waiters: [Int: (count: Int, continuation: CheckedContinuation<Void, Never>)] = [:]
        var nextWaiter = 0
    }

    private let state = Mutex(State())
    /// When set, every `Record` call waits for it after reading its records (a slow aggregator).
    let gate: Gate?

    init(gate: Gate? = nil) {
        self.gate = gate
    }

    /// Every record received, resends included, in arrival order.
    var received: [EvaluationRecord] { state.withLock { $0.received } }
    /// One record per key.
    var stored: [Key: EvaluationRecord] { state.withLock { $0.stored } }

    func record(_ records: RequestStream<EvaluationRecord>, context: ServerContext) async throws
        -> RecordSummary
    {
        var summary = RecordSummary()
        for try await record in records {
            let key = Key(run: record.runID, condition: record.condition, utterance: record.utteranceID)
            state.withLock { state in
                state.received.append(record)
                if let existing = state.stored[key] {
                    if existing == record {
                        summary.duplicates += 1
                    } else {
                        summary.rejected += 1
                        summary.errors.append("conflicting duplicate \(key)")
                    }
                } else {
                    state.stored[key] = record
                    summary.accepted += 1
                }
                let stored = state.stored.count
                for (id, waiter) in state.waiters where waiter.count <= stored {
                    state.waiters[id] = nil
                    waiter.continuation.resume()
                }
            }
        }
        if let gate { await gate.pass() }
        return summary
    }

    /// Returns once at least `count` distinct records are stored, or when cancelled.
    func waitForRecords(_ count: Int) async {
        let id = state.withLock { state in
            defer { state.nextWaiter += 1 }
            return state.nextWaiter
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let ready = state.withLock { state in
                    if state.stored.count >= count || Task.isCancelled { return true }
                    state.waiters[id] = (count, continuation)
                    return false
                }
                if ready { continuation.resume() }
            }
        } onCancel: {
            state.withLock { $0.waiters.removeValue(forKey: id) }?.continuation.resume()
        }
    }

    func getReport(_ request: ReportRequest, context: ServerContext) async throws -> Report {
        throw RPCError(code: .unimplemented, message: "the test double only records")
    }

    func watchReport(_ request: ReportRequest, reports: ResponseWriter<Report>, context: ServerContext)
        async throws
    {
        throw RPCError(code: .unimplemented, message: "the test double only records")
    }

    /// Serves the double (and health) on a loopback port while `body` runs.
    func serve<T: Sendable>(_ body: @Sendable (Int) async throws -> T) async throws -> T {
        var router = RPCRouter()
        router.register(HealthService())
        router.register(self)
        let server = RPCServer(
            router: router, logger: Logger(label: "aggregator-double") { _ in SwiftLogNoOpLogHandler() })
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                try await server.run()
                return nil
            }
            do {
                let port = try await server.listeningAddress().port
                let result = try await body(port)
                server.beginGracefulShutdown(gracePeriod: .zero)
                try await group.waitForAll()
                return result
            } catch {
                server.beginGracefulShutdown(gracePeriod: .zero)
                try? await group.waitForAll()
                throw error
            }
        }
    }
}

/// Holds callers until opened; `arrivals` counts who reached it (a fact tests wait on).
final class Gate: Sendable {
    private struct State {
        var open = false
        var arrivals = 0
        var held: [CheckedContinuation<Void, Never>] = []
        var arrivalWaiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())

    func pass() async {
        await withCheckedContinuation { continuation in
            let (go, waiters) = state.withLock { state in
                state.arrivals += 1
                let waiters = state.arrivalWaiters
                state.arrivalWaiters = []
                if state.open { return (true, waiters) }
                state.held.append(continuation)
                return (false, waiters)
            }
            for waiter in waiters { waiter.resume() }
            if go { continuation.resume() }
        }
    }

    /// Returns once somebody is at (or has passed) the gate.
    func waitForArrival() async {
        await withCheckedContinuation { continuation in
            let arrived = state.withLock { state in
                if state.arrivals > 0 { return true }
                state.arrivalWaiters.append(continuation)
                return false
            }
            if arrived { continuation.resume() }
        }
    }

    func open() {
        let held = state.withLock { state in
            state.open = true
            defer { state.held = [] }
            return state.held
        }
        for continuation in held { continuation.resume() }
    }
}
