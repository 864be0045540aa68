/// Per-sequence losses of a batch and the gradients of their weighted sum.
public struct WeightedLossAndGradients: Sendable {
    /// Σ_t −log p(x_{t+1} | x_{≤t}) of each sequence (so −`sequenceLosses[i]` is its LM score).
    public var sequenceLosses: [Double]
    /// The weights the caller chose from `sequenceLosses`.
    public var sequenceWeights: [Double]
    /// Number of predicted tokens (Σ (length − 1)).
    public var tokenCount: Int
    /// Gradients of Σ_i w_i · `sequenceLosses[i]` by parameter name (trainable parameters only).
    public var gradients: [String: Tensor]

    /// Σ_i w_i · `sequenceLosses[i]`, the function the gradients differentiate.
    public var weightedLoss: Double {
        zip(sequenceWeights, sequenceLosses).reduce(0) { $0 + $1.0 * $1.1 }
    }
}

/// A training pass whose loss weights depend on the forward's own results.
extension GPT2Model {
    /// Forward over a packed batch, per-sequence summed NLL, then one backward with a weight per
    /// sequence chosen from those losses.
    ///
    /// Objectives over N-best lists (MWER) need the LM scores of all hypotheses of a list before
    /// they know how much each hypothesis's NLL gradient counts. This runs every sequence through
    /// each layer's projections as one GEMM (no padded rows: sequences are packed), keeps the
    /// activations and the head's exponentials, calls `sequenceWeights` with the per-sequence
    /// losses, and back-propagates Σ_i w_i·NLL_i once. A weight of 0 leaves a sequence out of
    /// the gradient.
    ///
    /// Training-mode dropout draws each sequence's masks as a batch holding that sequence alone
    /// would, sequence after sequence (see `SequenceMajorDropout`): the result equals running
    /// `lossAndGradients(_:normalizer: 1, dropout:)` on each sequence in order with the same
    /// generator and summing w_i times its gradients. Adapters with input dropout of their own
    /// (LoRA dropout) draw one mask for all rows of the call instead.
    ///
    /// - Parameters:
    ///   - batch: sequences of at least two tokens.
    ///   - dropout: a generator enables training-mode dropout; `nil` is evaluation mode.
    ///   - sequenceWeights: maps the per-sequence summed NLLs to one finite weight per sequence.
    public func weightedLossAndGradients(
        _ batch: TokenBatch, dropout: inout SeededGenerator?,
        sequenceWeights: ([Double]) throws -> [Double]
    ) throws -> WeightedLossAndGradients {
        try validateTraining(batch)
        let output = trunk(
            sequences: batch.sequences, keepTrace: true, dropout: &dropout, sequenceMajorDropout: true)
        let targets = Self.nextTokenTargets(batch.sequences)
        var head = headForward(hidden: output.hidden, targets: targets)
        var losses: [Double] = []
        var start = 0
        for sequence in batch.sequences {
            losses.append(head.rowLosses[start..<(start + sequence.count)].reduce(0, +))
            start += sequence.count
        }
        let weights = try sequenceWeights(losses)
        guard weights.count == losses.count else {
            throw NeuralLMError(
                .invalidInput, "\(weights.count) sequence weights for \(losses.count) sequences")
        }
        if let bad = weights.firstIndex(where: { !$0.isFinite }) {
            throw NeuralLMError(.invalidInput, "sequence weight \(bad) is \(weights[bad]), not finite")
        }
        var rowScales: [Float] = []
        rowScales.reserveCapacity(targets.count)
        for (sequence, weight) in zip(batch.sequences, weights) {
            rowScales += Array(repeating: Float(weight), count: sequence.count)
        }
        let gradHead = headBackward(
            hidden: output.hidden, targets: targets, exponentials: &head.exponentials, sums: head.sums,
            rowScales: rowScales)
        let gradients = trunkBackward(
            trace: output.trace!, gradHidden: gradHead.gradHidden, gradEmbedding: gradHead.gradEmbedding)
        return WeightedLossAndGradients(
            sequenceLosses: losses, sequenceWeights: weights,
            tokenCount: targets.count - batch.sequences.count,
            gradients: gradients)
    }
}
