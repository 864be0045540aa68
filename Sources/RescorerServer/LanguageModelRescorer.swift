public import H2RPC
import NBest
public import Rescoring
public import RescoringCore
public import RescoringMessages
public import RescoringRPC
import RescoringWire

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
    /// The adapters served now; `LoadAdapter`/`UnloadAdapter` swap its engine snapshot.
    public let registry: AdapterRegistry
    /// Reported in every result so clients can tell replicas apart.
    public let replicaID: String
    public let configuration: RescorerConfiguration
    /// The threads that run LM scoring; its statistics tell queued, computed and skipped work apart.
    public let computePool: ComputePool<SnapshotJob, RescoredList>
    /// Where calls, times and batch sizes are counted; `nil` counts nothing.
    public let metrics: RescorerMetrics?
    /// The one thread that reads and checks adapters for `LoadAdapter`, with a short queue.
    let adapterLoader: ComputePool<LoadAdapterRequest, AdapterDescription>

    /// The engine a request arriving now is scored with.
    public var engine: RescoringEngine { registry.snapshot.engine }
    /// LM states of live partial lists, kept per `Rescore` stream and utterance so the next
    /// partial or the final costs only its new tokens; `nil` when
    /// `configuration.partialStateBudgetBytes` is 0.
    public let sessionCache: SessionStateCache?

    /// Starts the compute threads; they end when the last copy of the service is released.
    public init(
        engine: RescoringEngine, replicaID: String,
        configuration: RescorerConfiguration = RescorerConfiguration(), metrics: RescorerMetrics? = nil
    ) {
        self.init(
            registry: AdapterRegistry(engine: engine), replicaID: replicaID, configuration: configuration,
            metrics: metrics)
    }

    /// Serves the adapters of `registry`, which may change while requests run.
    public init(
        registry: AdapterRegistry, replicaID: String,
        configuration: RescorerConfiguration = RescorerConfiguration(), metrics: RescorerMetrics? = nil
    ) {
        self.registry = registry
        self.replicaID = replicaID
        self.configuration = configuration
        self.metrics = metrics
        let limits = configuration.limits
        let trimThreshold = configuration.memoryTrimThresholdBytes
        let sessions =
            configuration.partialStateBudgetBytes > 0
            ? SessionStateCache(byteBudget: configuration.partialStateBudgetBytes) : nil
        self.sessionCache = sessions
        self.computePool = ComputePool(
            threads: max(1, configuration.computeThreads), queueCapacity: max(1, configuration.queueCapacity),
            batching: configuration.batching, cost: Self.textBytes(of:), name: "rescorer-compute"
        ) { jobs, budget in
            defer {
                if jobs.reduce(0, { $0 + Self.textBytes($1.job) }) >= trimThreshold {
                    MemoryTrimming.releaseFreeMemory()
                }
            }
            metrics?.recordBatch(size: jobs.count)
            return SnapshotJob.rescoreEach(jobs, limits: limits, budget: budget, sessions: sessions)
        }
        self.adapterLoader = ComputePool(threads: 1, queueCapacity: 4, name: "adapter-loader") {
            requests, _ in
            requests.map { request in
                Result { () throws(RescorerModelError) in
                    try registry.load(name: request.name, directory: request.path, checkingRoot: true)
                }.mapError { $0 as any Error }
            }
        }
        if let metrics {
            // Weak: the pool's work closure holds the metrics, so a strong reference back would
            // keep the pool (and its threads) alive for good.
            let pool = computePool
            metrics.observe(
                pool: { [weak pool] in pool?.statistics ?? ComputePoolStatistics() },
                adapters: { registry.snapshot.engine.adapterNames.count })
        }
    }

    /// UTF-8 bytes of a job's hypotheses: its size for batching and memory trimming, known before
    /// tokenizing.
    static func textBytes(_ job: RescoringJob) -> Int {
        job.list.hypotheses.reduce(0) { $0 + $1.text.utf8.count }
    }

    @Sendable static func textBytes(of job: SnapshotJob) -> Int { textBytes(job.job) }

    public func rescore(
        requests: RequestStream<RescoreRequest>, results: ResponseWriter<RescoreResult>,
        context: ServerContext
    ) async throws {
        // The stream's partial lists reuse each other's LM states; they are freed when it ends.
        let session = sessionCache?.openSession()
        defer { if let session { sessionCache?.close(session) } }
        for try await request in requests {
            try await results.write(
                try await counted("Rescore") { try await score(request, session: session, context: context) })
        }
    }

    public func rescoreOne(_ request: RescoreRequest, context: ServerContext) async throws -> RescoreResult {
        try await counted("RescoreOne") { try await score(request, session: nil, context: context) }
    }

    /// Scores one request on the compute pool with the engine snapshot current when it arrived,
    /// within `session` when it belongs to a stream.
    func score(_ request: RescoreRequest, session: RescoringSession?, context: ServerContext) async throws
        -> RescoreResult
    {
        let limits = configuration.limits
        var job = try Self.job(from: request, limits: limits)
        job.session = session
        let snapshot = registry.snapshot
        let outcome: ComputeOutcome<RescoredList>
        do {
            try snapshot.engine.validate(job, limits: limits)
            outcome = try await computePool.submit(
                SnapshotJob(job: job, snapshot: snapshot), deadline: context.deadline)
        } catch let error as RescoringError {
            throw RescorerStatus.error(for: error)
        } catch let error as ComputePoolError {
            throw RescorerStatus.error(for: error)
        }
        metrics?.recordScored(
            adapter: job.adapter, queueTime: outcome.queueTime, computeTime: outcome.computeTime)
        let rescored = outcome.value
        return RescoreResult(
            rescored, modelID: snapshot.engine.modelID, replicaID: replicaID,
            queueTimeMicroseconds: Self.microseconds(outcome.queueTime),
            computeTimeMicroseconds: Self.microseconds(outcome.computeTime))
    }

    public func listAdapters(_ request: ListAdaptersRequest, context: ServerContext) async throws
        -> ListAdaptersResponse
    {
        try await counted("ListAdapters") {
            let modelID = engine.modelID
            return ListAdaptersResponse(
                adapters: registry.adapters.map { AdapterInfo($0, baseModelID: modelID) })
        }
    }

    /// Loads on the loader's own thread: reading and checking an adapter takes a while, and must
    /// hold neither a cooperative thread nor the requests that keep arriving meanwhile. Loads run
    /// one at a time and few may wait (`RESOURCE_EXHAUSTED` beyond), so a caller cannot make the
    /// replica read many adapters at once.
    public func loadAdapter(_ request: LoadAdapterRequest, context: ServerContext) async throws
        -> LoadAdapterResponse
    {
        try await counted("LoadAdapter") {
            let loaded: AdapterDescription
            do {
                loaded = try await adapterLoader.submit(request, deadline: context.deadline).value
            } catch let error as RescorerModelError {
                throw RescorerStatus.error(for: error)
            } catch let error as ComputePoolError {
                throw RescorerStatus.error(for: error)
            }
            // Partial states computed with a replaced adapter must not continue under the new one.
            sessionCache?.states.removeStates(adapter: request.name)
            return LoadAdapterResponse(adapter: AdapterInfo(loaded, baseModelID: engine.modelID))
        }
    }

    public func unloadAdapter(_ request: UnloadAdapterRequest, context: ServerContext) async throws
        -> UnloadAdapterResponse
    {
        try await counted("UnloadAdapter") {
            do throws(RescorerModelError) {
                try registry.unload(name: request.name)
            } catch {
                throw RescorerStatus.error(for: error)
            }
            sessionCache?.states.removeStates(adapter: request.name)
            return UnloadAdapterResponse()
        }
    }

    /// Runs a call's work and counts it by method and status code.
    func counted<Value>(_ method: String, _ work: () async throws -> Value) async throws -> Value {
        guard let metrics else { return try await work() }
        do {
            let value = try await work()
            metrics.recordCall(method: method, code: "OK")
            return value
        } catch let error as RPCError {
            metrics.recordCall(method: method, code: "\(error.code)")
            throw error
        } catch {
            metrics.recordCall(method: method, code: Task.isCancelled ? "CANCELLED" : "UNKNOWN")
            throw error
        }
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
        let job: RescoringJob
        do {
            job = try RescoringJob(message, config: config)
        } catch {
            throw RPCError(code: .invalidArgument, message: "utterance \(message.utteranceID): \(error)")
        }
        guard !job.list.hypotheses.isEmpty else {
            throw RPCError(
                code: .invalidArgument, message: "utterance \(job.list.utteranceID): the N-best list is empty"
            )
        }
        return job
    }

    static func microseconds(_ duration: Duration) -> UInt64 {
        UInt64(max(0, duration / .microseconds(1)))
    }
}

extension AdapterInfo {
    /// The wire form of a served adapter.
    init(_ adapter: AdapterDescription, baseModelID: String) {
        self.init(
            name: adapter.name, strategy: adapter.strategy, rank: UInt32(clamping: adapter.rank),
            targetModules: adapter.targetModules,
            trainableParameters: UInt64(clamping: adapter.parameterCount),
            baseModelID: baseModelID, merged: false)
    }
}
