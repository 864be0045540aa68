public import H2RPC
import NBest
public import Rescoring
public import RescoringMessages
public import RescoringRPC

/// The `Rescorer` gRPC service backed by a `RescoringEngine`.
///
/// This is the edge where wire messages become domain values: requests are validated and
/// converted, the engine scores them on a dedicated `ComputePool` (never on the cooperative pool
/// or an event loop, so health checks and control calls answer however busy the LM is), and
/// engine and pool errors become gRPC statuses (`RescorerStatus`). On a `Rescore` stream exactly
/// one result is written per request, in request order.
///
/// A request is refused before it waits for compute when it is malformed, names an unknown
/// adapter, carries a non-finite score or more hypotheses than `configuration.limits` allows; its
/// tokens are counted on the pool, before any LM work. A call that is cancelled or passes its
/// deadline is dropped from the queue at once, and a running one stops at the engine's next
/// batch.
public struct LanguageModelRescorer: RescorerService {
    public let engine: RescoringEngine
    /// Reported in every result so clients can tell replicas apart.
    public let replicaID: String
    public let configuration: RescorerConfiguration
    /// The threads that run LM scoring; its statistics tell queued, computed and skipped work apart.
    public let computePool: ComputePool<RescoringJob, RescoredList>
    /// LM states of live partial lists, kept per `Rescore` stream and utterance so the next
    /// partial or the final costs only its new tokens; `nil` when
    /// `configuration.partialStateBudgetBytes` is 0.
    public let sessionCache: SessionStateCache?

    /// Starts the compute threads; they end when the last copy of the service is released.
    public init(
        engine: RescoringEngine, replicaID: String,
        configuration: RescorerConfiguration = RescorerConfiguration()
    ) {
        self.engine = engine
        self.replicaID = replicaID
        self.configuration = configuration
        let limits = configuration.limits
        let trimThreshold = configuration.memoryTrimThresholdBytes
        let sessions =
            configuration.partialStateBudgetBytes > 0
            ? SessionStateCache(byteBudget: configuration.partialStateBudgetBytes) : nil
        self.sessionCache = sessions
        self.computePool = ComputePool(
            threads: max(1, configuration.computeThreads), queueCapacity: max(1, configuration.queueCapacity),
            batching: configuration.batching, cost: Self.textBytes, name: "rescorer-compute"
        ) { jobs, budget in
            defer {
                if jobs.reduce(0, { $0 + Self.textBytes($1) }) >= trimThreshold {
                    MemoryTrimming.releaseFreeMemory()
                }
            }
            return engine.rescoreEach(jobs, limits: limits, budget: budget, sessions: sessions)
        }
    }

    /// UTF-8 bytes of a job's hypotheses: its size for batching and memory trimming, known before
    /// tokenizing.
    static func textBytes(_ job: RescoringJob) -> Int {
        job.list.hypotheses.reduce(0) { $0 + $1.text.utf8.count }
    }

    public func rescore(
        requests: RequestStream<RescoreRequest>, results: ResponseWriter<RescoreResult>,
        context: ServerContext
    ) async throws {
        // The stream's partial lists reuse each other's LM states; they are freed when it ends.
        let session = sessionCache?.openSession()
        defer { if let session { sessionCache?.close(session) } }
        for try await request in requests {
            try await results.write(try await rescore(request, session: session, context: context))
        }
    }

    public func rescoreOne(_ request: RescoreRequest, context: ServerContext) async throws -> RescoreResult {
        try await rescore(request, session: nil, context: context)
    }

    /// Scores one request on the compute pool, within `session` when it belongs to a stream.
    func rescore(_ request: RescoreRequest, session: RescoringSession?, context: ServerContext) async throws
        -> RescoreResult
    {
        let limits = configuration.limits
        var job = try Self.job(from: request, limits: limits)
        job.session = session
        let outcome: ComputeOutcome<RescoredList>
        do {
            try engine.validate(job, limits: limits)
            outcome = try await computePool.submit(job, deadline: context.deadline)
        } catch let error as RescoringError {
            throw RescorerStatus.error(for: error)
        } catch let error as ComputePoolError {
            throw RescorerStatus.error(for: error)
        }
        let rescored = outcome.value
        return RescoreResult(
            rescored, modelID: engine.modelID, replicaID: replicaID,
            queueTimeMicroseconds: Self.microseconds(outcome.queueTime),
            computeTimeMicroseconds: Self.microseconds(outcome.computeTime))
    }

    public func listAdapters(_ request: ListAdaptersRequest, context: ServerContext) async throws
        -> ListAdaptersResponse
    {
        ListAdaptersResponse(
            adapters: engine.adapterNames.sorted().map {
                AdapterInfo(name: $0, baseModelID: engine.modelID)
            })
    }

    public func loadAdapter(_ request: LoadAdapterRequest, context: ServerContext) async throws
        -> LoadAdapterResponse
    {
        // The engine's adapters are fixed when the replica starts (`--adapter NAME=DIR`); hot
        // loading needs a mutable adapter registry, which the services issue adds.
        throw RPCError(
            code: .unimplemented,
            message: "this replica serves a fixed adapter set; restart it with --adapter \(request.name)=DIR")
    }

    public func unloadAdapter(_ request: UnloadAdapterRequest, context: ServerContext) async throws
        -> UnloadAdapterResponse
    {
        throw RPCError(
            code: .unimplemented,
            message: "this replica serves a fixed adapter set; adapters cannot be unloaded")
    }

    /// The domain job for a wire request, or `INVALID_ARGUMENT` naming what is wrong.
    ///
    /// A list over the hypothesis limit is refused before it is converted.
    static func job(from request: RescoreRequest, limits: RescoringLimits) throws -> RescoringJob {
        guard let message = request.nbest else {
            throw RPCError(code: .invalidArgument, message: "RescoreRequest.nbest is missing")
        }
        let config = request.config
        let cut = config.flatMap { $0.maxHypotheses == 0 ? nil : Int($0.maxHypotheses) }
        do {
            try limits.checkHypothesisCount(
                min(message.hypotheses.count, cut ?? .max), utteranceID: message.utteranceID)
        } catch {
            throw RescorerStatus.error(for: error)
        }
        let list: NBestList
        do {
            list = try NBestList(message)
        } catch {
            throw RPCError(code: .invalidArgument, message: "utterance \(message.utteranceID): \(error)")
        }
        guard !list.hypotheses.isEmpty else {
            throw RPCError(
                code: .invalidArgument, message: "utterance \(list.utteranceID): the N-best list is empty")
        }
        let adapter = config.flatMap { $0.adapter.isEmpty ? nil : $0.adapter }
        let fusion = config?.fusion.map {
            ScoreFusion(
                firstPassWeight: $0.firstPassWeight, lmWeight: $0.lmWeight, lengthBonus: $0.lengthBonus)
        }
        return RescoringJob(list: list, adapter: adapter, fusion: fusion, maxHypotheses: cut)
    }

    static func microseconds(_ duration: Duration) -> UInt64 {
        UInt64(max(0, duration / .microseconds(1)))
    }
}

extension RescoreResult {
    /// The wire form of a rescored list.
    init(
        _ rescored: RescoredList, modelID: String, replicaID: String, queueTimeMicroseconds: UInt64,
        computeTimeMicroseconds: UInt64
    ) {
        let list = rescored.list
        self.init(
            utteranceID: list.utteranceID, sessionID: list.sessionID, sequenceNumber: list.sequenceNumber,
            kind: ResultKind(list.kind),
            hypotheses: rescored.ranking.map {
                ScoredHypothesis(
                    originalIndex: UInt32($0.originalIndex), text: $0.text, firstPassScore: $0.firstPassScore,
                    lmScore: $0.lmScore, fusedScore: $0.fusedScore, tokenCount: UInt32($0.tokenCount))
            },
            chosenIndex: UInt32(rescored.chosenIndex ?? 0), adapter: rescored.adapter ?? "", modelID: modelID,
            queueTimeMicroseconds: queueTimeMicroseconds, computeTimeMicroseconds: computeTimeMicroseconds,
            replicaID: replicaID,
            fusion: FusionWeights(
                firstPassWeight: rescored.fusion.firstPassWeight, lmWeight: rescored.fusion.lmWeight,
                lengthBonus: rescored.fusion.lengthBonus))
    }
}
