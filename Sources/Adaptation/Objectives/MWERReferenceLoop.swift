package import NeuralLM
package import RescoringCore

extension MWERObjective {
    /// MWER as it was computed before batching: one forward/backward per hypothesis.
    ///
    /// Not a way to train (it is `package`, not `public`): the tests keep it as the oracle that
    /// `evaluate` must equal, and the LM benchmark times it as the baseline batching is measured
    /// against. Each hypothesis's `lossAndGradients` gives lm_j = −NLL_j and ∇NLL_j; the list's
    /// ∂L/∂lm_j then weights ∇NLL_j by −(∂L/∂lm_j)/lists.
    package static func evaluateOnePassPerHypothesis(
        model: GPT2Model, examples: [MWERExample], fusion: ScoreFusion, clmBatch: TokenBatch? = nil,
        clmWeight: Double = 0, dropout: inout SeededGenerator?
    ) throws -> ObjectiveResult {
        guard !examples.isEmpty else { throw NeuralLMError(.invalidData, "MWER batch has no N-best lists") }
        var result = ObjectiveResult(loss: 0, gradients: [:], tokenCount: 0)
        let listWeight = 1 / Double(examples.count)
        for example in examples {
            var passes: [LossAndGradients] = []
            for candidate in example.candidates {
                let framed = [model.config.bosTokenId] + candidate.tokens + [model.config.eosTokenId]
                passes.append(
                    try model.lossAndGradients(
                        TokenBatch(sequences: [framed]), normalizer: 1, dropout: &dropout))
            }
            let (loss, gradLM) = listLoss(example, lmScores: passes.map { -$0.lossSum }, fusion: fusion)
            result.loss += loss * listWeight
            for (pass, g) in zip(passes, gradLM) {
                result.accumulate(
                    ObjectiveResult(loss: 0, gradients: pass.gradients, tokenCount: 0),
                    weight: -g * listWeight)
            }
            result.tokenCount += passes.reduce(0) { $0 + $1.tokenCount }
        }
        result.components["mwer"] = result.loss
        if let clmBatch, clmWeight > 0 {
            let clm = try CausalLMObjective.evaluate(model: model, batch: clmBatch, dropout: &dropout)
            result.accumulate(
                ObjectiveResult(loss: clm.loss, gradients: clm.gradients, tokenCount: clm.tokenCount),
                weight: clmWeight)
            result.components["clm"] = clm.loss
        }
        return result
    }
}
