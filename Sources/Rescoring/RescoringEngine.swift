import NBest
public import NeuralLM
public import RescoringCore

/// Reranks first-pass N-best lists with a frozen GPT-2 language model and named adapters.
///
/// The engine is a value shared by every stream: scoring reads the model and never mutates it,
/// so concurrent callers need no lock. Adapters change by making a new engine value
/// (`addingAdapter`, `removingAdapter`): the copy shares the frozen base weights (copy-on-write
/// arrays) and owns only its adapter table, so a caller holding the old value keeps scoring with
/// the adapters it started with. One call scores all hypotheses of all its jobs in a single
/// prefix-shared pass, so a batch may mix lists and adapters (each sentence is routed to its own
/// adapter, and prefixes are shared only within an adapter).
public struct RescoringEngine: Sendable {
    public internal(set) var model: GPT2Model
    public let tokenizer: BPETokenizer
    /// Identifies the base model in results (e.g. its directory name and parameter count).
    public let modelID: String
    /// Weights for the base model, and for adapters without their own entry, when a job does not
    /// override them.
    public var defaultFusion: ScoreFusion
    /// Tuned weights by adapter name (`secondpass tune`); names not loaded yet may be listed, so
    /// an adapter loaded later finds its weights.
    public var adapterFusion: [String: ScoreFusion] = [:]

    public init(
        model: GPT2Model, tokenizer: BPETokenizer, modelID: String, defaultFusion: ScoreFusion = ScoreFusion()
    ) {
        self.model = model
        self.tokenizer = tokenizer
        self.modelID = modelID
        self.defaultFusion = defaultFusion
    }

    /// The adapters this engine can score with.
    public var adapterNames: Set<String> { model.servingAdapterNames }

    /// The weights a job without its own uses: the adapter's tuned ones, else `defaultFusion`.
    public func fusion(forAdapter adapter: String?) -> ScoreFusion {
        adapter.flatMap { adapterFusion[$0] } ?? defaultFusion
    }

    /// Rescores every job in one batched, prefix-shared LM pass.
    ///
    /// - Parameters:
    ///   - limits: bounds on each job's hypotheses and tokens, checked before any LM work.
    ///   - budget: when to stop: checked before tokenizing, every few hypotheses while tokenizing,
    ///     and before every batch of the LM pass, so a cancelled or late call stops within one
    ///     batch (about 1,000 positions) of work.
    /// - Returns: one `RescoredList` per job, in job order.
    /// - Throws: `RescoringError` naming the first invalid job (unknown adapter, non-finite fusion
    ///   weights or first-pass scores, a limit exceeded, a hypothesis longer than the model's
    ///   context); nothing is scored then. `.cancelled` or `.deadlineExceeded` when the budget ran
    ///   out; the partial work is discarded.
    ///   - sessions: where jobs tagged with a session reuse and keep partial-list LM states.
    ///   - stateGeneration: which adapter snapshot this engine value is (a serving replica's
    ///     `AdapterRegistry.Snapshot.generation`): session states are reused only within one, so
    ///     an adapter reloaded under the same name never continues states of its old weights.
    public func rescore(
        _ jobs: [RescoringJob], limits: RescoringLimits = RescoringLimits(),
        budget: WorkBudget = WorkBudget(),
        sessions: SessionStateCache? = nil, stateGeneration: UInt64 = 0
    ) throws -> [RescoredList] {
        try budget.check()
        // Every job's cheap checks first, so the error names the first invalid job.
        for job in jobs { _ = try listToScore(job, limits: limits) }
        var prepared: [PreparedJob] = []
        for job in jobs { prepared.append(try prepare(job, limits: limits, budget: budget)) }
        return try score(prepared, budget: budget, sessions: sessions, stateGeneration: stateGeneration)
    }

    /// Rescores jobs from different callers in one LM pass, failing only the invalid ones.
    ///
    /// Each job is checked and tokenized on its own (its error is its result); the valid ones are
    /// scored together, as `rescore` would. If the pass itself stops (budget, model error), every
    /// job in it gets that error.
    ///
    /// - Parameter stateGeneration: as for `rescore`.
    /// - Returns: one result per job, in job order.
    public func rescoreEach(
        _ jobs: [RescoringJob], limits: RescoringLimits = RescoringLimits(),
        budget: WorkBudget = WorkBudget(),
        sessions: SessionStateCache? = nil, stateGeneration: UInt64 = 0
    ) -> [Result<RescoredList, any Error>] {
        var results = [Result<RescoredList, any Error>?](repeating: nil, count: jobs.count)
        var prepared: [(index: Int, job: PreparedJob)] = []
        for (index, job) in jobs.enumerated() {
            do {
                try budget.check()
                prepared.append((index, try prepare(job, limits: limits, budget: budget)))
            } catch {
                results[index] = .failure(error)
            }
        }
        do {
            let scored = try score(
                prepared.map(\.job), budget: budget, sessions: sessions, stateGeneration: stateGeneration)
            for (entry, list) in zip(prepared, scored) { results[entry.index] = .success(list) }
        } catch {
            for entry in prepared { results[entry.index] = .failure(error) }
        }
        return results.map { $0! }
    }

    /// A checked job with its list after the `maxHypotheses` cut and the token ids to score.
    struct PreparedJob {
        var job: RescoringJob
        var list: NBestList
        var sentences: [[Int]]
    }

    func prepare(_ job: RescoringJob, limits: RescoringLimits, budget: WorkBudget) throws(RescoringError)
        -> PreparedJob
    {
        let list = try listToScore(job, limits: limits)
        return PreparedJob(
            job: job, list: list, sentences: try tokenize(list, limits: limits, budget: budget))
    }

    /// Scores prepared jobs in one prefix-shared pass and ranks each list by fused score.
    func score(
        _ prepared: [PreparedJob], budget: WorkBudget, sessions: SessionStateCache?, stateGeneration: UInt64
    ) throws -> [RescoredList] {
        let sentences = prepared.flatMap(\.sentences)
        let scores = try languageModelScores(
            prepared, budget: budget, sessions: sessions, stateGeneration: stateGeneration)

        var results: [RescoredList] = []
        var cursor = 0
        for entry in prepared {
            let job = entry.job
            let fusion = job.fusion ?? fusion(forAdapter: job.adapter)
            let range = cursor..<(cursor + entry.list.hypotheses.count)
            results.append(
                RescoredList(
                    ranking: entry.list, lmScores: range.map { Double(scores[$0]) },
                    tokenCounts: range.map { sentences[$0].count }, adapter: job.adapter, fusion: fusion))
            cursor = range.upperBound
        }
        return results
    }
}
