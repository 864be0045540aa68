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
        try validate(sequences: batch.sequences)
        if batch.sequences.isEmpty { throw NeuralLMError(.invalidInput, "batch is empty") }
        if let short = batch.sequences.firstIndex(where: { $0.count < 2 }) {
            throw NeuralLMError(
                .invalidInput, "sequence \(short) has fewer than two tokens, nothing to predict")
        }
        let output = trunk(sequences: batch.sequences, keepTrace: true, dropout: &dropout)
        let trace = output.trace!
        var targets: [Int?] = []
        for sequence in batch.sequences {
            targets += sequence.dropFirst().map { Optional($0) } + [nil]
        }
        let tokenCount = targets.count - batch.sequences.count
        let scale = 1 / Float(normalizer ?? tokenCount)
        var gradients: [String: Tensor] = [:]
        let head = headBackward(hidden: output.hidden, targets: targets, scale: scale)
        var gradEmbedding = head.gradEmbedding
        let final = LayerNormKernel.backward(
            input: trace.finalInput, gamma: finalNorm.weight, mean: trace.finalMean, rstd: trace.finalRstd,
            gradOutput: head.gradHidden)
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
            for row in 0..<trace.tokens.count {
                let t = trace.tokens[row] * c
                let p = trace.positions[row] * c
                for j in 0..<c {
                    let g = grad.storage[row * c + j]
                    gradEmbedding.storage[t + j] += g
                    gradPosition.storage[p + j] += g
                }
            }
            gradients["transformer.wte.weight"] = gradEmbedding
            gradients["transformer.wpe.weight"] = gradPosition
        }
        return LossAndGradients(lossSum: head.lossSum, tokenCount: tokenCount, gradients: gradients)
    }

    /// Cross-entropy through the tied head: loss sum, gradient to the hidden states, and the
    /// head's contribution to the token-embedding gradient (empty if embeddings are frozen).
    private func headBackward(
        hidden: Tensor, targets: [Int?], scale: Float
    ) -> (lossSum: Double, gradHidden: Tensor, gradEmbedding: Tensor) {
        let c = config.nEmbd
        let v = config.vocabSize
        var lossSum = 0.0
        var gradHidden = Tensor(zeros: hidden.shape)
        var gradEmbedding = Tensor(zeros: embeddingsRequireGrad ? tokenEmbedding.shape : [0])
        var logits = [Float](repeating: 0, count: min(Self.headChunkRows, hidden.rows) * v)
        var start = 0
        while start < hidden.rows {
            let count = min(Self.headChunkRows, hidden.rows - start)
            hidden.withUnsafePointer { h in
                tokenEmbedding.withUnsafePointer { wte in
                    logits.withUnsafeMutablePointer { out in
                        BLAS.gemm(
                            transposeB: true, m: count, n: v, k: c, a: h + start * c, lda: c, b: wte, ldb: c,
                            c: out, ldc: v)
                        for row in 0..<count {
                            let base = out + row * v
                            guard let target = targets[start + row] else {
                                base.update(repeating: 0, count: v)
                                continue
                            }
                            let maximum = FastMath.max(base, count: v)
                            let targetLogit = base[target]
                            let sum = FastMath.expShiftedInPlace(base, count: v, shift: maximum)
                            lossSum -= Double(targetLogit - maximum - Float.logOf(sum))
                            let factor = scale / sum
                            for j in 0..<v { base[j] *= factor }
                            base[target] -= scale
                        }
                        gradHidden.withUnsafeMutablePointer { dh in
                            BLAS.gemm(
                                m: count, n: c, k: v, a: out, lda: v, b: wte, ldb: c, c: dh + start * c,
                                ldc: c)
                        }
                        if embeddingsRequireGrad {
                            gradEmbedding.withUnsafeMutablePointer { dw in
                                BLAS.gemm(
                                    transposeA: true, m: v, n: c, k: count, a: out, lda: v, b: h + start * c,
                                    ldb: c, beta: 1, c: dw, ldc: c)
                            }
                        }
                    }
                }
            }
            start += count
        }
        return (lossSum, gradHidden, gradEmbedding)
    }

    /// Backward through one block; records parameter gradients and returns the input gradient.
    private func blockBackward(
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
