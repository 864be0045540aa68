/// Cross-entropy through the tied output head, in chunks of `headChunkRows` rows.
///
/// Two ways share the same per-row arithmetic: `headBackward` scores and differentiates each
/// chunk at once (the causal-LM loss, whose row scale is known before the forward), while
/// `headForward` keeps every row's exponentiated logits so that `headBackward(exponentials:…)`
/// can apply a per-row scale chosen after all losses are known (MWER). With equal scales both
/// give bit-identical gradients. Between the head's matrix products, rows are exponentiated and
/// differentiated in parallel row ranges (`ParallelChunks`); losses are summed in row order.
extension GPT2Model {
    /// Loss sum, gradient to the hidden states and the head's share of the token-embedding
    /// gradient (empty if embeddings are frozen), for one scale on every predicting row.
    func headBackward(
        hidden: Tensor, targets: [Int?], scale: Float
    ) -> (lossSum: Double, gradHidden: Tensor, gradEmbedding: Tensor) {
        let v = config.vocabSize
        var lossSum = 0.0
        var gradHidden = Tensor(zeros: hidden.shape)
        var gradEmbedding = Tensor(zeros: embeddingsRequireGrad ? tokenEmbedding.shape : [0])
        var logits = [Float](repeating: 0, count: min(Self.headChunkRows, hidden.rows) * v)
        var rowLosses = [Double](repeating: 0, count: min(Self.headChunkRows, hidden.rows))
        var start = 0
        while start < hidden.rows {
            let count = min(Self.headChunkRows, hidden.rows - start)
            logits.withUnsafeMutablePointer { out in
                headLogits(hidden: hidden, start: start, count: count, into: out)
                rowLosses.withUnsafeMutableBufferPointer { losses in
                    ParallelChunks.forEachRowRange(rows: count, width: v) { range in
                        for row in range {
                            let base = out + row * v
                            guard let target = targets[start + row] else {
                                base.update(repeating: 0, count: v)
                                continue
                            }
                            let (loss, sum) = Self.exponentiateRow(base, count: v, target: target)
                            losses[row] = loss
                            Self.softmaxGradientRow(base, count: v, target: target, scale: scale, sum: sum)
                        }
                    }
                }
                // Summed in row order, as one thread would.
                for row in 0..<count where targets[start + row] != nil { lossSum += rowLosses[row] }
                accumulateHeadGradients(
                    gradLogits: out, hidden: hidden, start: start, count: count, gradHidden: &gradHidden,
                    gradEmbedding: &gradEmbedding)
            }
            start += count
        }
        return (lossSum, gradHidden, gradEmbedding)
    }

    /// Every row's −log p(target) (0 on rows without a target), keeping the row's shifted
    /// exponentials `[rows, vocab]` and their sums for `headBackward(exponentials:…)`.
    func headForward(
        hidden: Tensor, targets: [Int?]
    ) -> (rowLosses: [Double], exponentials: [Float], sums: [Float]) {
        let v = config.vocabSize
        var rowLosses = [Double](repeating: 0, count: hidden.rows)
        var sums = [Float](repeating: 0, count: hidden.rows)
        var exponentials = [Float](repeating: 0, count: hidden.rows * v)
        var start = 0
        while start < hidden.rows {
            let count = min(Self.headChunkRows, hidden.rows - start)
            exponentials.withUnsafeMutablePointer { buffer in
                let out = buffer + start * v
                headLogits(hidden: hidden, start: start, count: count, into: out)
                rowLosses.withUnsafeMutableBufferPointer { losses in
                    sums.withUnsafeMutableBufferPointer { rowSums in
                        ParallelChunks.forEachRowRange(rows: count, width: v) { range in
                            for row in range {
                                let base = out + row * v
                                guard let target = targets[start + row] else {
                                    base.update(repeating: 0, count: v)
                                    continue
                                }
                                (losses[start + row], rowSums[start + row]) = Self.exponentiateRow(
                                    base, count: v, target: target)
                            }
                        }
                    }
                }
            }
            start += count
        }
        return (rowLosses, exponentials, sums)
    }

    /// The backward of `headForward` with its own scale per row (0 leaves a row out).
    func headBackward(
        hidden: Tensor, targets: [Int?], exponentials: inout [Float], sums: [Float], rowScales: [Float]
    ) -> (gradHidden: Tensor, gradEmbedding: Tensor) {
        let v = config.vocabSize
        var gradHidden = Tensor(zeros: hidden.shape)
        var gradEmbedding = Tensor(zeros: embeddingsRequireGrad ? tokenEmbedding.shape : [0])
        var start = 0
        while start < hidden.rows {
            let count = min(Self.headChunkRows, hidden.rows - start)
            exponentials.withUnsafeMutablePointer { buffer in
                let out = buffer + start * v
                ParallelChunks.forEachRowRange(rows: count, width: v) { range in
                    for row in range {
                        guard let target = targets[start + row] else { continue }
                        Self.softmaxGradientRow(
                            out + row * v, count: v, target: target, scale: rowScales[start + row],
                            sum: sums[start + row])
                    }
                }
                accumulateHeadGradients(
                    gradLogits: out, hidden: hidden, start: start, count: count, gradHidden: &gradHidden,
                    gradEmbedding: &gradEmbedding)
            }
            start += count
        }
        return (gradHidden, gradEmbedding)
    }

    /// Logits of rows `start..<start+count` into `out` (`[count, vocab]`).
    private func headLogits(hidden: Tensor, start: Int, count: Int, into out: UnsafeMutablePointer<Float>) {
        let c = config.nEmbd
        hidden.withUnsafePointer { h in
            tokenEmbedding.withUnsafePointer { wte in
                BLAS.gemm(
                    transposeB: true, m: count, n: config.vocabSize, k: c, a: h + start * c, lda: c, b: wte,
                    ldb: c, c: out, ldc: config.vocabSize)
            }
        }
    }

    /// Replaces a row of logits by exp(logit − max); returns −log p(target) and the sum.
    private static func exponentiateRow(
        _ base: UnsafeMutablePointer<Float>, count v: Int, target: Int
    ) -> (loss: Double, sum: Float) {
        let maximum = FastMath.max(base, count: v)
        let targetLogit = base[target]
        let sum = FastMath.expShiftedInPlace(base, count: v, shift: maximum)
        return (-Double(targetLogit - maximum - Float.logOf(sum)), sum)
    }

    /// Turns a row of exponentials into scale · (softmax − onehot(target)), ∂(scale·NLL)/∂logits.
    private static func softmaxGradientRow(
        _ base: UnsafeMutablePointer<Float>, count v: Int, target: Int, scale: Float, sum: Float
    ) {
        let factor = scale / sum
        for j in 0..<v { base[j] *= factor }
        base[target] -= scale
    }

    /// dh += dlogits · wte for the chunk, and dwte += dlogitsᵀ · h when embeddings train.
    private func accumulateHeadGradients(
        gradLogits out: UnsafeMutablePointer<Float>, hidden: Tensor, start: Int, count: Int,
        gradHidden: inout Tensor, gradEmbedding: inout Tensor
    ) {
        let c = config.nEmbd
        let v = config.vocabSize
        hidden.withUnsafePointer { h in
            tokenEmbedding.withUnsafePointer { wte in
                gradHidden.withUnsafeMutablePointer { dh in
                    BLAS.gemm(m: count, n: c, k: v, a: out, lda: v, b: wte, ldb: c, c: dh + start * c, ldc: c)
                }
                if embeddingsRequireGrad {
                    gradEmbedding.withUnsafeMutablePointer { dw in
                        BLAS.gemm(
                            transposeA: true, m: v, n: c, k: count, a: out, lda: v, b: h + start * c, ldb: c,
                            beta: 1, c: dw, ldc: c)
                    }
                }
            }
        }
    }
}
