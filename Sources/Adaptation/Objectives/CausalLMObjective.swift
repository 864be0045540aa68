public import NeuralLM

/// Next-token cross-entropy on domain text: the mean token NLL of a batch.
public enum CausalLMObjective {
    /// Loss and gradients of the mean token NLL of `batch` (sequences framed by the caller).
    public static func evaluate(
        model: GPT2Model, batch: TokenBatch, dropout: inout SeededGenerator?
    ) throws -> ObjectiveResult {
        let result = try model.lossAndGradients(batch, dropout: &dropout)
        let loss = Double(result.meanLoss)
        return ObjectiveResult(
            loss: loss, gradients: result.gradients, tokenCount: result.tokenCount, components: ["clm": loss])
    }

    /// Mean token NLL in evaluation mode (no dropout, no gradients kept).
    public static func loss(model: GPT2Model, batches: [TokenBatch]) throws -> Double {
        var total = 0.0
        var tokens = 0
        for batch in batches {
            let scores = try model.nextTokenLogProbabilities(batch)
            for sequence in scores {
                total -= sequence.reduce(0.0) { $0 + Double($1) }
                tokens += sequence.count
            }
        }
        return tokens == 0 ? 0 : total / Double(tokens)
    }
}
