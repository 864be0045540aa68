/// Summed next-token loss of a batch and the gradients of every trainable parameter.
public struct LossAndGradients: Sendable {
    /// Σ −log p(x_{t+1} | x_{≤t}) over all predicted tokens.
    public var lossSum: Double
    /// Number of predicted tokens (Σ (length − 1)).
    public var tokenCount: Int
    /// Gradients of `lossSum / normalizer` by parameter name (trainable parameters only).
    public var gradients: [String: Tensor]

    /// Mean token negative log-likelihood.
    public var meanLoss: Float { tokenCount == 0 ? 0 : Float(lossSum / Double(tokenCount)) }
}

/// Backward passes of the whole model.
extension GPT2Model {
    /// Forward and backward for next-token prediction on a batch.
    ///
    /// - Parameters:
    ///   - batch: sequences of at least two tokens (the first predicts the second, …).
    ///   - normalizer: the loss is divided by this before differentiation (default: this batch's
    ///     token count, giving the mean). Gradient accumulation passes the full batch's count.
    ///   - dropout: a generator enables training-mode dropout; `nil` is evaluation mode.
    public func lossAndGradients(
        _ batch: TokenBatch, normalizer: Int? = nil, dropout: inout SeededGenerator?
    ) throws -> LossAndGradients {
        try validateTraining(batch)
        let output = trunk(sequences: batch.sequences, keepTrace: true, dropout: &dropout)
        let targets = Self.nextTokenTargets(batch.sequences)
        let tokenCount = targets.count - batch.sequences.count
        let scale = 1 / Float(normalizer ?? tokenCount)
        let head = headBackward(hidden: output.hidden, targets: targets, scale: scale)
        let gradients = trunkBackward(
            trace: output.trace!, gradHidden: head.gradHidden, gradEmbedding: head.gradEmbedding)
        return LossAndGradients(lossSum: head.lossSum, tokenCount: tokenCount, gradients: gradients)
    }

    /// Checks that a training batch is non-empty and every sequence predicts at least one token.
    func validateTraining(_ batch: TokenBatch) throws {
        try validate(sequences: batch.sequences)
        if batch.sequences.isEmpty { throw NeuralLMError(.invalidInput, "batch is empty") }
        if let short = batch.sequences.firstIndex(where: { $0.count < 2 }) {
            throw NeuralLMError(
                .invalidInput, "sequence \(short) has fewer than two tokens, nothing to predict")
        }
    }

    /// The next token of every packed row (`nil` on each sequence's last row, which predicts nothing).
    static func nextTokenTargets(_ sequences: [[Int]]) -> [Int?] {
        var targets: [Int?] = []
        for sequence in sequences {
            targets += sequence.dropFirst().map { Optional($0) } + [nil]
        }
        return targets
    }

    /// Backward from the gradient of the ln_f output through the blocks to the embeddings.
    ///
    /// - Parameters:
    ///   - gradEmbedding: the head's contribution to the tied token-embedding gradient (ignored
    ///     when embeddings are frozen).
    /// - Returns: gradients of every trainable parameter by name.
    func trunkBackward(trace: ForwardTrace, gradHidden: Tensor, gradEmbedding: Tensor) -> [String: Tensor] {
        var gradients: [String: Tensor] = [:]
        var gradEmbedding = gradEmbedding
        let final = LayerNormKernel.backward(
            input: trace.finalInput, gamma: finalNorm.weight, mean: trace.finalMean, rstd: trace.finalRstd,
            gradOutput: gradHidden)
        if finalNorm.requiresGrad {
            gradients["transformer.ln_f.weight"] = final.gradGamma
            gradients["transformer.ln_f.bias"] = final.gradBeta
        }
        var grad = final.gradInput
        for layer in blocks.indices.reversed() {
            grad = blockBackward(
                layer: layer, trace: trace.blocks[layer], segments: trace.segments, gradOutput: grad,
                gradients: &gradients)
        }
        if let mask = trace.embeddingDropout { Dropout.apply(mask, to: &grad) }
        if embeddingsRequireGrad {
            let c = config.nEmbd
            var gradPosition = Tensor(zeros: positionEmbedding.shape)
            let tokens = trace.tokens
            let positions = trace.positions
            // Rows repeat tokens and positions, so split by columns: each range scatters its
            // columns in row order, the same sums as one thread.
            grad.withUnsafePointer { dx in
                gradEmbedding.withUnsafeMutablePointer { dwte in
                    gradPosition.withUnsafeMutablePointer { dwpe in
                        ParallelChunks.forEachColumnRange(rows: tokens.count, width: c) { columns in
                            for row in 0..<tokens.count {
                                let t = tokens[row] * c
                                let p = positions[row] * c
                                for j in columns {
                                    let g = dx[row * c + j]
                                    dwte[t + j] += g
                                    dwpe[p + j] += g
                                }
                            }
                        }
                    }
                }
            }
            gradients["transformer.wte.weight"] = gradEmbedding
            gradients["transformer.wpe.weight"] = gradPosition
        }
        return gradients
    }

    /// Backward through one block; records parameter gradients and returns the input gradient.
    func blockBackward(
        layer: Int, trace: BlockTrace, segments: [PackedSegment], gradOutput: Tensor,
        gradients: inout [String: Tensor]
    ) -> Tensor {
        let block = blocks[layer]
        let prefix = "transformer.h.\(layer)."
        func record(_ name: String, _ g: Linear.Gradients) {
            if let w = g.weight { gradients[prefix + name + ".weight"] = w }
            if let b = g.bias { gradients[prefix + name + ".bias"] = b }
            for (local, tensor) in g.adapter { gradients[prefix + name + "." + local] = tensor }
        }
        // MLP branch: y = middle + drop(c_proj(gelu(c_fc(ln_2(middle))))).
        var gradMLPOut = gradOutput
        if let mask = trace.mlpDropout { Dropout.apply(mask, to: &gradMLPOut) }
        let projection = block.mlpProjection.backward(input: trace.activated, gradOutput: gradMLPOut)
        record("mlp.c_proj", projection)
        let gradExpanded = GELUKernel.backward(input: trace.expanded, gradOutput: projection.input)
        let expand = block.mlpExpand.backward(input: trace.ln2Output, gradOutput: gradExpanded)
        record("mlp.c_fc", expand)
        let ln2 = LayerNormKernel.backward(
            input: trace.middle, gamma: block.ln2.weight, mean: trace.ln2Mean, rstd: trace.ln2Rstd,
            gradOutput: expand.input)
        if block.ln2.requiresGrad {
            gradients[prefix + "ln_2.weight"] = ln2.gradGamma
            gradients[prefix + "ln_2.bias"] = ln2.gradBeta
        }
        var gradMiddle = gradOutput
        gradMiddle.add(ln2.gradInput)
        // Attention branch: middle = input + drop(c_proj(attention(c_attn(ln_1(input))))).
        var gradAttentionOut = gradMiddle
        if let mask = trace.attentionDropout { Dropout.apply(mask, to: &gradAttentionOut) }
        let attentionProjection = block.attentionProjection.backward(
            input: trace.attentionOutput, gradOutput: gradAttentionOut)
        record("attn.c_proj", attentionProjection)
        let gradQKV = AttentionKernel.backward(
            qkv: trace.qkv, segments: segments, probabilities: trace.probabilities,
            gradOutput: attentionProjection.input, heads: config.nHead, dropoutMasks: trace.probabilityDropout
        )
        let attention = block.attention.backward(input: trace.ln1Output, gradOutput: gradQKV)
        record("attn.c_attn", attention)
        let ln1 = LayerNormKernel.backward(
            input: trace.input, gamma: block.ln1.weight, mean: trace.ln1Mean, rstd: trace.ln1Rstd,
            gradOutput: attention.input)
        if block.ln1.requiresGrad {
            gradients[prefix + "ln_1.weight"] = ln1.gradGamma
            gradients[prefix + "ln_1.bias"] = ln1.gradBeta
        }
        var gradInput = gradMiddle
        gradInput.add(ln1.gradInput)
        return gradInput
    }
}
