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
    /// - Returns: one `RescoredList` per job, in job order.
    /// - Throws: `RescoringError` naming the first invalid job (unknown adapter, a hypothesis
    ///   longer than the model's context, non-finite fusion weights); nothing is scored then.
    public func rescore(_ jobs: [RescoringJob]) throws -> [RescoredList] {
        let known = adapterNames
        var sentences: [[Int]] = []
        var adapters: [String?] = []
        var lists: [NBestList] = []
        for job in jobs {
            if let name = job.adapter, !known.contains(name) {
                throw RescoringError(
                    .unknownAdapter,
                    "utterance \(job.list.utteranceID): adapter '\(name)' is not loaded"
                        + " (loaded: \(known.sorted().joined(separator: ", ")))")
            }
            let fusion = job.fusion ?? defaultFusion
            guard [fusion.firstPassWeight, fusion.lmWeight, fusion.lengthBonus].allSatisfy(\.isFinite) else {
                throw RescoringError(
                    .invalidRequest, "utterance \(job.list.utteranceID): fusion weights must be finite")
            }
            var list = job.list
            if let limit = job.maxHypotheses, limit < list.hypotheses.count {
                list.hypotheses = Array(list.hypotheses.prefix(max(0, limit)))
            }
            for (index, hypothesis) in list.hypotheses.enumerated() {
                let tokens = tokenizer.encode(hypothesis.text)
                // BOS + tokens must fit the learned positions; EOS is predicted, not input.
                guard tokens.count + 1 <= model.config.nPositions else {
                    throw RescoringError(
                        .hypothesisTooLong,
                        "utterance \(list.utteranceID) hypothesis \(index): \(tokens.count) tokens,"
                            + " the model's context holds \(model.config.nPositions - 1)")
                }
                sentences.append(tokens)
                adapters.append(job.adapter)
            }
            lists.append(list)
        }
        let usesAdapters = adapters.contains { $0 != nil }
        let scores =
            sentences.isEmpty
            ? []
            : try model.sentenceLogProbabilitiesSharingPrefixes(
                sentences, adapters: usesAdapters ? adapters : nil
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
