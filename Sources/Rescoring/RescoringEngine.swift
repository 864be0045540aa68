import NBest
public import NeuralLM

/// Reranks first-pass N-best lists with a frozen GPT-2 language model and named adapters.
///
/// The engine is a value shared by every stream: scoring reads the model and never mutates it,
/// so concurrent callers need no lock. One call scores all hypotheses of all its jobs in a single
/// prefix-shared pass, so a batch may mix lists and adapters (each sentence is routed to its own
/// adapter, and prefixes are shared only within an adapter).
public struct RescoringEngine: Sendable {
    public let model: GPT2Model
    public let tokenizer: BPETokenizer
    /// Identifies the base model in results (e.g. its directory name and parameter count).
    public let modelID: String
    /// Weights used when a job does not override them.
    public var defaultFusion: ScoreFusion

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
    public func rescore(
        _ jobs: [RescoringJob], limits: RescoringLimits = RescoringLimits(), budget: WorkBudget = WorkBudget()
    ) throws -> [RescoredList] {
        try budget.check()
        var lists: [NBestList] = []
        for job in jobs { lists.append(try listToScore(job, limits: limits)) }
        var sentences: [[Int]] = []
        var adapters: [String?] = []
        for (job, list) in zip(jobs, lists) {
            sentences += try tokenize(list, limits: limits, budget: budget)
            adapters += Array(repeating: job.adapter, count: list.hypotheses.count)
        }
        let usesAdapters = adapters.contains { $0 != nil }
        let scores =
            sentences.isEmpty
            ? []
            : try model.sentenceLogProbabilitiesSharingPrefixes(
                sentences, adapters: usesAdapters ? adapters : nil, checkpoint: { try budget.check() }
            ).scores

        var results: [RescoredList] = []
        var cursor = 0
        for (job, list) in zip(jobs, lists) {
            let fusion = job.fusion ?? defaultFusion
            var ranking: [RescoredHypothesis] = []
            for (index, hypothesis) in list.hypotheses.enumerated() {
                let lm = Double(scores[cursor])
                ranking.append(
                    RescoredHypothesis(
                        originalIndex: index, text: hypothesis.text, firstPassScore: hypothesis.totalScore,
                        lmScore: lm,
                        fusedScore: fusion.fuse(
                            firstPass: hypothesis.totalScore, lm: lm, words: hypothesis.words.count),
                        tokenCount: sentences[cursor].count))
                cursor += 1
            }
            // Stable: equal fused scores keep first-pass order.
            ranking = ranking.enumerated().sorted {
                $0.element.fusedScore != $1.element.fusedScore
                    ? $0.element.fusedScore > $1.element.fusedScore : $0.offset < $1.offset
            }.map(\.element)
            results.append(RescoredList(list: list, ranking: ranking, adapter: job.adapter, fusion: fusion))
        }
        return results
    }
}
