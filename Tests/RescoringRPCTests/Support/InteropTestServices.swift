import H2RPC
import RescoringMessages
import RescoringRPC
import SecondPassTestSupport
import Synchronization

/// What a test server's handlers report (`started RescoreOne`, `cancelled WatchReport`), so tests
/// can wait for the fact instead of for time.
protocol InteropServerEvents: Sendable {
    /// How many times the server reported `event`.
    func count(of event: String) -> Int
    /// Waits until the server reported `event` at least `count` times.
    func waitForEvent(_ event: String, count: Int, timeout: Duration) async -> Bool
}

/// Records the Swift test server's handler events, so tests can check cancellation reached the
/// server and not only the client.
final class CancellationLog: Sendable, InteropServerEvents {
    private let log = EventLog()

    /// A slow handler started and now waits to be cancelled.
    func recordStart(_ method: String) { log.append("started " + method) }

    func record(_ method: String) { log.append("cancelled " + method) }

    /// The methods whose handler saw a cancel, in order.
    var cancelled: [String] {
        log.entries.filter { $0.hasPrefix("cancelled ") }.map { String($0.dropFirst(10)) }
    }

    func count(of event: String) -> Int { log.count(of: event) }

    func waitForEvent(_ event: String, count: Int = 1, timeout: Duration = .seconds(60)) async -> Bool {
        await log.wait(for: event, count: count, timeout: timeout)
    }

    /// Waits until `method` was cancelled at least `count` times.
    func waitFor(_ method: String, count: Int = 1, timeout: Duration = .seconds(60)) async -> Bool {
        await waitForEvent("cancelled " + method, count: count, timeout: timeout)
    }
}

/// Applies the interop test semantics (Tests/Interop/README.md) to one rescore request.
enum InteropSemantics {
    static let serverName = "swift"

    static func rescore(
        _ request: RescoreRequest, method: String, cancellations: CancellationLog
    ) async throws -> RescoreResult {
        let adapter = request.config?.adapter ?? ""
        switch adapter {
        case "missing": throw RPCError(code: .notFound, message: "adapter 'missing' is not loaded")
        case "invalid": throw RPCError(code: .invalidArgument, message: "invalid request")
        case "slow":
            cancellations.recordStart(method)
            do {
                // Waits to be cancelled (or for the call's deadline); 30 s only bounds a broken test.
                try await Task.sleep(for: .seconds(30))
            } catch {
                cancellations.record(method)
                throw error
            }
        default: break
        }
        let nbest = request.nbest ?? NBestListMessage()
        let count = nbest.hypotheses.count
        let scored = nbest.hypotheses.indices.reversed().map { index in
            let hypothesis = nbest.hypotheses[index]
            let words = hypothesis.text.split(separator: " ").count
            return ScoredHypothesis(
                originalIndex: UInt32(index), text: hypothesis.text, firstPassScore: hypothesis.totalScore,
                lmScore: -Double(words), fusedScore: Double(index), tokenCount: UInt32(words + 1))
        }
        return RescoreResult(
            utteranceID: nbest.utteranceID, sessionID: nbest.sessionID, sequenceNumber: nbest.sequenceNumber,
            kind: nbest.kind, hypotheses: scored, chosenIndex: count > 0 ? UInt32(count - 1) : 0,
            adapter: adapter,
            modelID: "interop-test", replicaID: serverName)
    }

    static func echoMetadata(_ context: ServerContext) {
        var echoed = Metadata()
        for entry in context.metadata where entry.key.hasPrefix("x-echo") {
            echoed.add(entry.key, value: entry.value)
        }
        context.setResponseMetadata(echoed)
        context.addTrailingMetadata(["x-served-by": .string(serverName)])
    }
}

/// The Rescorer with interop test semantics.
struct InteropRescorer: RescorerService {
    let health: HealthService
    let cancellations: CancellationLog

    func rescore(
        requests: RequestStream<RescoreRequest>, results: ResponseWriter<RescoreResult>,
        context: ServerContext
    ) async throws {
        InteropSemantics.echoMetadata(context)
        for try await request in requests {
            try await results.write(
                InteropSemantics.rescore(request, method: "Rescore", cancellations: cancellations))
        }
    }

    func rescoreOne(_ request: RescoreRequest, context: ServerContext) async throws -> RescoreResult {
        InteropSemantics.echoMetadata(context)
        return try await InteropSemantics.rescore(request, method: "RescoreOne", cancellations: cancellations)
    }

    func listAdapters(_ request: ListAdaptersRequest, context: ServerContext) async throws
        -> ListAdaptersResponse
    {
        ListAdaptersResponse(adapters: [
            AdapterInfo(name: "base", strategy: "full", baseModelID: "interop-test"),
            AdapterInfo(
                name: "lora-r8", strategy: "lora", rank: 8, targetModules: ["attn.c_attn", "attn.c_proj"],
                trainableParameters: 12288, baseModelID: "interop-test"),
        ])
    }

    func loadAdapter(_ request: LoadAdapterRequest, context: ServerContext) async throws
        -> LoadAdapterResponse
    {
        guard !request.name.isEmpty else {
            throw RPCError(code: .invalidArgument, message: "adapter name is empty")
        }
        if request.name == "flip-health" {
            let current = health.status(of: RescorerMethods.serviceName)
            health.setStatus(current == .serving ? .notServing : .serving, for: RescorerMethods.serviceName)
            return LoadAdapterResponse(adapter: AdapterInfo(name: request.name))
        }
        return LoadAdapterResponse(
            adapter: AdapterInfo(name: request.name, strategy: "lora", baseModelID: request.path))
    }

    func unloadAdapter(_ request: UnloadAdapterRequest, context: ServerContext) async throws
        -> UnloadAdapterResponse
    {
        guard request.name == "lora-r8" else {
            throw RPCError(code: .notFound, message: "adapter '\(request.name)' is not loaded")
        }
        return UnloadAdapterResponse()
    }
}

/// The MetricsAggregator with interop test semantics.
struct InteropAggregator: MetricsAggregatorService {
    private struct Key: Hashable {
        let run: String
        let condition: String
        let utterance: String
    }

    /// The stored keys, shared by every call (the service value is copied into handlers).
    private final class KeyStore: Sendable {
        let keys = Mutex<Set<Key>>([])
    }

    private let store = KeyStore()
    let cancellations: CancellationLog

    init(cancellations: CancellationLog) {
        self.cancellations = cancellations
    }

    func record(_ records: RequestStream<EvaluationRecord>, context: ServerContext) async throws
        -> RecordSummary
    {
        var summary = RecordSummary()
        var index = 0
        for try await record in records {
            defer { index += 1 }
            guard !record.runID.isEmpty else {
                summary.rejected += 1
                summary.errors.append("record \(index): empty run_id")
                continue
            }
            let key = Key(run: record.runID, condition: record.condition, utterance: record.utteranceID)
            let inserted = store.keys.withLock { $0.insert(key).inserted }
            if inserted { summary.accepted += 1 } else { summary.duplicates += 1 }
        }
        return summary
    }

    private func report(_ request: ReportRequest, records: UInt64) -> Report {
        let condition = request.cleanCondition.isEmpty ? "clean" : request.cleanCondition
        return Report(
            runID: request.runID, conditions: [ConditionReport(condition: condition, utterances: records)],
            records: records, generatedAtUnixMilliseconds: 1)
    }

    func getReport(_ request: ReportRequest, context: ServerContext) async throws -> Report {
        guard !request.runID.isEmpty else {
            throw RPCError(code: .invalidArgument, message: "run_id is empty")
        }
        guard request.runID != "unknown-run" else {
            throw RPCError(code: .notFound, message: "no records for run 'unknown-run'")
        }
        let records = store.keys.withLock { keys in keys.filter { $0.run == request.runID }.count }
        return report(request, records: UInt64(records))
    }

    func watchReport(_ request: ReportRequest, reports: ResponseWriter<Report>, context: ServerContext)
        async throws
    {
        guard request.runID.hasPrefix("watch-"), let count = UInt64(request.runID.dropFirst("watch-".count))
        else {
            throw RPCError(code: .invalidArgument, message: "run_id must be watch-N")
        }
        if count > 0 {
            for records in 1...count { try await reports.write(report(request, records: records)) }
            return
        }
        var records: UInt64 = 0
        do {
            while true {
                records += 1
                try await reports.write(report(request, records: records))
                try await Task.sleep(for: .milliseconds(20))
            }
        } catch {
            cancellations.record("WatchReport")
            throw error
        }
    }
}
