import Foundation
public import NeuralLM
public import RescoringCore

/// Minimum word error rate training on N-best lists (as in RescoreBERT).
///
/// For one list: s_i = first_pass_i + α·lm_i + β·length_i, P = softmax(s), and
/// L = Σ_i P_i (ε_i − ε̄) with ε_i the word errors of hypothesis i and ε̄ their mean. Then
/// ∂L/∂s_j = P_j((ε_j − ε̄) − L) and ∂L/∂lm_j = α·∂L/∂s_j; lm_j = −NLL_j of the framed
/// hypothesis, so the parameter gradient is Σ_j (−α ∂L/∂s_j)·∇NLL_j. The batch loss is the mean
/// over lists.
public enum MWERObjective {
    /// Loss of one list from LM scores, and ∂L/∂lm for each hypothesis.
    public static func listLoss(
        _ example: MWERExample, lmScores: [Double], fusion: ScoreFusion
    ) -> (loss: Double, gradLM: [Double]) {
        let scores = zip(example.candidates, lmScores).map { fusion.score($0, lm: $1) }
        let maximum = scores.max() ?? 0
        let exps = scores.map { Foundation.exp($0 - maximum) }
        let total = exps.reduce(0, +)
        let probabilities = exps.map { $0 / total }
        let errors = example.candidates.map(\.wordErrors)
        let mean = errors.reduce(0, +) / Double(max(1, errors.count))
        let loss = zip(probabilities, errors).reduce(0) { $0 + $1.0 * ($1.1 - mean) }
        let gradLM = zip(probabilities, errors).map { fusion.lmWeight * $0 * (($1 - mean) - loss) }
        return (loss, gradLM)
    }

    /// Sentence LM scores (BOS … EOS framing) of every candidate.
    public static func lmScores(model: GPT2Model, example: MWERExample) throws -> [Double] {
        try model.sentenceLogProbabilities(example.candidates.map(\.tokens)).map(Double.init)
    }

    /// Hypotheses' tokens (BOS … EOS framing included) that one batched pass of `evaluate` takes
    /// at most, unless a single list is longer. Bounds the kept activations and head
    /// exponentials (about 100 KB per token for the base model: 200 MB at this budget) while
    /// each layer's GEMMs stay large enough to run near the sgemm peak.
    public static let defaultTokenBudget = 2048

    /// Mean MWER loss over `examples` and its gradients, plus `clmWeight` × the causal-LM loss of
    /// `clmBatch` when given (the CLM regulariser).
    ///
    /// All hypotheses of all lists go through the model together, in as few passes as
    /// `tokenBudget` allows (a list is never split: its loss needs every hypothesis's score).
    /// Each pass is one `weightedLossAndGradients`: the forward gives every lm_j = −NLL_j, the
    /// lists' losses give ∂L/∂lm_j, and one backward propagates Σ_j −(∂L/∂lm_j)/lists · NLL_j.
    /// This equals one forward/backward per hypothesis, dropout masks included.
    public static func evaluate(
        model: GPT2Model, examples: [MWERExample], fusion: ScoreFusion, clmBatch: TokenBatch? = nil,
        clmWeight: Double = 0, dropout: inout SeededGenerator?, tokenBudget: Int = defaultTokenBudget
    ) throws -> ObjectiveResult {
        guard !examples.isEmpty else { throw NeuralLMError(.invalidData, "MWER batch has no N-best lists") }
        guard tokenBudget > 0 else {
            throw NeuralLMError(
                .invalidConfiguration, "MWER token budget must be positive, got \(tokenBudget)")
        }
        let bos = model.config.bosTokenId
        let eos = model.config.eosTokenId
        var result = ObjectiveResult(loss: 0, gradients: [:], tokenCount: 0)
        var mwer = 0.0
        let listWeight = 1 / Double(examples.count)
        for lists in passes(examples, tokenBudget: tokenBudget) {
            let framed = lists.flatMap { $0.candidates.map { [bos] + $0.tokens + [eos] } }
            guard !framed.isEmpty else { continue }
            var passLoss = 0.0
            let pass = try model.weightedLossAndGradients(TokenBatch(sequences: framed), dropout: &dropout) {
                nll in
                var weights: [Double] = []
                var offset = 0
                for example in lists {
                    let count = example.candidates.count
                    let lm = nll[offset..<(offset + count)].map { -$0 }
                    let (loss, gradLM) = listLoss(example, lmScores: lm, fusion: fusion)
                    passLoss += loss * listWeight
                    // ∂L/∂θ = Σ_j ∂L/∂lm_j · ∂lm_j/∂θ = Σ_j (−∂L/∂lm_j) · ∇NLL_j.
                    weights += gradLM.map { -$0 * listWeight }
                    offset += count
                }
                return weights
            }
            mwer += passLoss
            result.accumulate(
                ObjectiveResult(loss: 0, gradients: pass.gradients, tokenCount: pass.tokenCount))
        }
        result.loss = mwer
        result.components["mwer"] = mwer
        if let clmBatch, clmWeight > 0 {
            let clm = try CausalLMObjective.evaluate(model: model, batch: clmBatch, dropout: &dropout)
            result.accumulate(
                ObjectiveResult(loss: clm.loss, gradients: clm.gradients, tokenCount: clm.tokenCount),
                weight: clmWeight)
            result.components["clm"] = clm.loss
        }
        return result
    }

    /// Consecutive runs of whole lists whose framed hypotheses total at most `tokenBudget`
    /// tokens (a longer list is a run of its own).
    static func passes(_ examples: [MWERExample], tokenBudget: Int) -> [ArraySlice<MWERExample>] {
        var result: [ArraySlice<MWERExample>] = []
        var start = 0
        var tokens = 0
        for (index, example) in examples.enumerated() {
            let size = example.candidates.reduce(0) { $0 + $1.tokens.count + 2 }
            if index > start, tokens + size > tokenBudget {
                result.append(examples[start..<index])
                start = index
                tokens = 0
            }
            tokens += size
        }
        result.append(examples[start...])
        return result
    }

    /// Word errors and reference words when each list's hypothesis with the best fused score is chosen.
    public static func rescoredErrors(
        model: GPT2Model, examples: [MWERExample], fusion: ScoreFusion
    ) throws -> (errors: Double, referenceWords: Int) {
        var errors = 0.0
        var words = 0
        for example in examples {
            let lm = try lmScores(model: model, example: example)
            let scores = zip(example.candidates, lm).map { fusion.score($0, lm: $1) }
            let best = scores.indices.max { scores[$0] < scores[$1] }!
            errors += example.candidates[best].wordErrors
            words += example.referenceWordCount
        }
        return (errors, words)
    }

    /// Corpus WER of rescoring `examples` with the model (nil when there are no reference words).
    public static func wordErrorRate(model: GPT2Model, examples: [MWERExample], fusion: ScoreFusion) throws
        -> Double?
    {
        let (errors, words) = try rescoredErrors(model: model, examples: examples, fusion: fusion)
        return words == 0 ? nil : errors / Double(words)
    }
}
