import Foundation

/// Inference entry points: next-token log-probabilities and sentence scores.
extension GPT2Model {
    /// Rows of the LM head computed at once; bounds the logits buffer to rows × vocab floats (24 MB
    /// at vocab 6000) while keeping the head's matrix products large enough to run near the sgemm peak.
    static let headChunkRows = 1024

    /// Full log-softmax distributions `[length, vocab]` after every position of every sequence.
    public func logProbabilityDistributions(_ batch: TokenBatch) throws -> [Tensor] {
        try validate(sequences: batch.sequences)
        if batch.sequences.isEmpty { return [] }
        var rng: SeededGenerator? = nil
        let hidden = trunk(sequences: batch.sequences, dropout: &rng).hidden
        var logits = logits(hidden: hidden)
        let v = config.vocabSize
        let rows = logits.rows
        logits.withUnsafeMutablePointer { buffer in
            ParallelChunks.forEachRowRange(rows: rows, width: v) { range in
                for row in range {
                    let base = buffer + row * v
                    let maximum = FastMath.max(base, count: v)
                    let logSum = maximum + Float.logOf(FastMath.sumExpShifted(base, count: v, shift: maximum))
                    for j in 0..<v { base[j] -= logSum }
                }
            }
        }
        var result: [Tensor] = []
        var start = 0
        for sequence in batch.sequences {
            result.append(
                Tensor(
                    shape: [sequence.count, v],
                    storage: Array(logits.storage[(start * v)..<((start + sequence.count) * v)])))
            start += sequence.count
        }
        return result
    }

    /// log p(x_{t+1} | x_{≤t}) for t = 0 ..< length−1 of every sequence.
    public func nextTokenLogProbabilities(_ batch: TokenBatch) throws -> [[Float]] {
        try validate(sequences: batch.sequences)
        if batch.sequences.isEmpty { return [] }
        var rng: SeededGenerator? = nil
        let hidden = trunk(sequences: batch.sequences, dropout: &rng).hidden
        var targets: [Int?] = []
        for sequence in batch.sequences {
            targets += sequence.dropFirst().map { Optional($0) } + [nil]
        }
        let values = targetLogProbabilities(hidden: hidden, targets: targets)
        var result: [[Float]] = []
        var start = 0
        for sequence in batch.sequences {
            result.append(Array(values[start..<(start + sequence.count - 1)]))
            start += sequence.count
        }
        return result
    }

    /// Sentence log-probabilities with BOS/EOS framing, the rescoring score.
    ///
    /// score(w₁…wₙ) = Σᵢ log p(wᵢ | BOS w<ᵢ) + log p(EOS | BOS w₁…wₙ); an empty sentence scores
    /// log p(EOS | BOS). The model reads BOS w₁…wₙ (n + 1 positions, at most `n_positions`).
    public func sentenceLogProbabilities(_ sentences: [[Int]]) throws -> [Float] {
        let inputs = sentences.map { [config.bosTokenId] + $0 }
        try validate(sequences: inputs)
        if inputs.isEmpty { return [] }
        var rng: SeededGenerator? = nil
        let hidden = trunk(sequences: inputs, dropout: &rng).hidden
        var targets: [[Int]] = []
        for sentence in sentences {
            targets += sentence.map { [$0] } + [[config.eosTokenId]]
        }
        let values = targetLogProbabilities(hidden: hidden, targets: targets)
        var result: [Float] = []
        var start = 0
        for input in inputs {
            result.append(values[start..<(start + input.count)].reduce(0) { $0 + $1[0] })
            start += input.count
        }
        return result
    }

    /// log-softmax(logits)[row, target] for one target per row (0 for rows without one).
    func targetLogProbabilities(hidden: Tensor, targets: [Int?]) -> [Float] {
        targetLogProbabilities(hidden: hidden, targets: targets.map { $0.map { [$0] } ?? [] }).map {
            $0.first ?? 0
        }
    }

    /// log-softmax(logits)[row, t] for every requested target t of every row.
    ///
    /// A row may need several targets (a prefix-trie node's last position is followed by each
    /// child's first token and by EOS); the log-normaliser is computed once per row. The head runs
    /// in chunks of rows so the full `[rows, vocab]` logits never coexist; each chunk's rows are
    /// normalised in parallel row ranges (`ParallelChunks`).
    func targetLogProbabilities(hidden: Tensor, targets: [[Int]]) -> [[Float]] {
        let c = config.nEmbd
        let v = config.vocabSize
        var result = [[Float]](repeating: [], count: hidden.rows)
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
                        result.withUnsafeMutableBufferPointer { slots in
                            ParallelChunks.forEachRowRange(rows: count, width: v) { range in
                                for row in range {
                                    let wanted = targets[start + row]
                                    guard !wanted.isEmpty else { continue }
                                    let base = out + row * v
                                    let maximum = FastMath.max(base, count: v)
                                    let logNormalizer =
                                        maximum
                                        + Float.logOf(FastMath.sumExpShifted(base, count: v, shift: maximum))
                                    slots[start + row] = wanted.map { base[$0] - logNormalizer }
                                }
                            }
                        }
                    }
                }
            }
            start += count
        }
        return result
    }
}

extension Float {
    /// Natural logarithm (Foundation), named to avoid shadowing in generic contexts.
    static func logOf(_ x: Float) -> Float { Foundation.log(x) }
}
