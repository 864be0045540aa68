/// One sequence's rows in a packed batch, optionally continuing a cached prefix.
///
/// Batches are packed (no padding rows): segment `s` owns rows `rowStart..<rowStart+length`,
/// whose positions are `pastLength..<pastLength+length` after a prefix of `pastLength` cached
/// tokens.
struct PackedSegment: Sendable {
    var rowStart: Int
    var length: Int
    var pastLength: Int
}

/// Causal multi-head self-attention over packed segments, forward and backward.
///
/// Scores are computed per (segment, head) with `gemm` on strided views of the fused QKV matrix,
/// so neither heads nor padding are materialised. A segment may attend to cached keys/values of
/// its prefix (`past`), which is how prefix sharing reuses computation.
enum AttentionKernel {
    /// Output `[rows, C]`, the softmax probabilities per segment (`[heads, L, past+L]`) when
    /// requested, and each segment's full keys/values `[past+L, C]` when requested.
    ///
    /// `dropoutMasks` (one `[heads, L, past+L]` mask of 0 or 1/(1−p) per segment) applies
    /// attention-probability dropout; the returned probabilities are the undropped ones.
    static func forward(
        qkv: Tensor, segments: [PackedSegment], past: [(keys: Tensor, values: Tensor)?]?, heads: Int,
        keepProbabilities: Bool, returnPresents: Bool, dropoutMasks: [[Float]]? = nil
    ) -> (output: Tensor, probabilities: [[Float]], presents: [(keys: Tensor, values: Tensor)]) {
        let rows = qkv.rows
        let c = qkv.columns / 3
        let hd = c / heads
        let scale = 1 / Float(hd).squareRoot()
        var output = Tensor(zeros: [rows, c])
        var allProbabilities: [[Float]] = []
        var presents: [(keys: Tensor, values: Tensor)] = []
        for (index, segment) in segments.enumerated() {
            let length = segment.length
            let p = segment.pastLength
            let total = p + length
            let cached = past?[index]
            var keys: Tensor? = nil
            var values: Tensor? = nil
            if cached != nil || returnPresents {
                keys = Tensor(zeros: [total, c])
                values = Tensor(zeros: [total, c])
                if let cached {
                    precondition(cached.keys.rows == p, "cached prefix length mismatch")
                    keys!.storage.replaceSubrange(0..<(p * c), with: cached.keys.storage)
                    values!.storage.replaceSubrange(0..<(p * c), with: cached.values.storage)
                }
                for i in 0..<length {
                    let source = (segment.rowStart + i) * 3 * c
                    for j in 0..<c {
                        keys!.storage[(p + i) * c + j] = qkv.storage[source + c + j]
                        values!.storage[(p + i) * c + j] = qkv.storage[source + 2 * c + j]
                    }
                }
            }
            var probabilities = [Float](repeating: 0, count: heads * length * total)
            let dropped = UnsafeMutablePointer<Float>.allocate(
                capacity: dropoutMasks == nil ? 0 : length * total)
            defer { dropped.deallocate() }
            qkv.withUnsafePointer { q in
                output.withUnsafeMutablePointer { out in
                    probabilities.withUnsafeMutablePointer { probs in
                        for h in 0..<heads {
                            let query = q + segment.rowStart * 3 * c + h * hd
                            let scores = probs + h * length * total
                            func attend(_ k: UnsafePointer<Float>, _ v: UnsafePointer<Float>, _ ld: Int) {
                                BLAS.gemm(
                                    transposeB: true, m: length, n: total, k: hd, alpha: scale, a: query,
                                    lda: 3 * c, b: k, ldb: ld, c: scores, ldc: total)
                                for i in 0..<length {
                                    let row = scores + i * total
                                    let visible = p + i + 1
                                    let maximum = FastMath.max(row, count: visible)
                                    let sum = FastMath.expShiftedInPlace(row, count: visible, shift: maximum)
                                    let inverse = 1 / sum
                                    for j in 0..<visible { row[j] *= inverse }
                                    for j in visible..<total { row[j] = 0 }
                                }
                                var weights = UnsafePointer(scores)
                                if let mask = dropoutMasks?[index] {
                                    for j in 0..<(length * total) {
                                        dropped[j] = scores[j] * mask[h * length * total + j]
                                    }
                                    weights = UnsafePointer(dropped)
                                }
                                BLAS.gemm(
                                    m: length, n: hd, k: total, a: weights, lda: total, b: v, ldb: ld,
                                    c: out + segment.rowStart * c + h * hd, ldc: c)
                            }
                            if let keys, let values {
                                keys.withUnsafePointer { k in
                                    values.withUnsafePointer { v in attend(k + h * hd, v + h * hd, c) }
                                }
                            } else {
                                let base = q + segment.rowStart * 3 * c + h * hd
                                attend(base + c, base + 2 * c, 3 * c)
                            }
                        }
                    }
                }
            }
            if keepProbabilities { allProbabilities.append(probabilities) }
            if returnPresents, let keys, let values { presents.append((keys, values)) }
        }
        return (output, allProbabilities, presents)
    }

    /// Gradient with respect to the fused QKV input for segments without a cached prefix.
    ///
    /// `dropoutMasks` must be those of the forward pass.
    static func backward(
        qkv: Tensor, segments: [PackedSegment], probabilities: [[Float]], gradOutput: Tensor, heads: Int,
        dropoutMasks: [[Float]]? = nil
    ) -> Tensor {
        let c = qkv.columns / 3
        let hd = c / heads
        let scale = 1 / Float(hd).squareRoot()
        var gradQKV = Tensor(zeros: qkv.shape)
        for (index, segment) in segments.enumerated() {
            precondition(segment.pastLength == 0, "backward through a cached prefix is not supported")
            let length = segment.length
            var gradScores = [Float](repeating: 0, count: length * length)
            let dropped = UnsafeMutablePointer<Float>.allocate(
                capacity: dropoutMasks == nil ? 0 : length * length)
            defer { dropped.deallocate() }
            qkv.withUnsafePointer { q in
                gradOutput.withUnsafePointer { dOut in
                    gradQKV.withUnsafeMutablePointer { dq in
                        probabilities[index].withUnsafePointer { probs in
                            gradScores.withUnsafeMutablePointer { ds in
                                for h in 0..<heads {
                                    let base = segment.rowStart * 3 * c + h * hd
                                    let query = q + base
                                    let key = query + c
                                    let value = query + 2 * c
                                    let gradO = dOut + segment.rowStart * c + h * hd
                                    let prob = probs + h * length * length
                                    let mask = dropoutMasks.map {
                                        Array($0[index][(h * length * length)..<((h + 1) * length * length)])
                                    }
                                    var used = prob
                                    if let mask {
                                        for j in 0..<(length * length) { dropped[j] = prob[j] * mask[j] }
                                        used = UnsafePointer(dropped)
                                    }
                                    // dP' = dO · Vᵀ (P' = dropped probabilities)
                                    BLAS.gemm(
                                        transposeB: true, m: length, n: length, k: hd, a: gradO, lda: c,
                                        b: value, ldb: 3 * c, c: ds, ldc: length)
                                    if let mask {
                                        for j in 0..<(length * length) { ds[j] *= mask[j] }
                                    }
                                    // dV = P'ᵀ · dO
                                    BLAS.gemm(
                                        transposeA: true, m: length, n: hd, k: length, a: used, lda: length,
                                        b: gradO, ldb: c, c: dq + base + 2 * c, ldc: 3 * c)
                                    // dS = P ⊙ (dP − rowsum(dP ⊙ P))
                                    for i in 0..<length {
                                        var dot: Float = 0
                                        for j in 0...i { dot += ds[i * length + j] * prob[i * length + j] }
                                        for j in 0..<length {
                                            ds[i * length + j] =
                                                prob[i * length + j] * (ds[i * length + j] - dot)
                                        }
                                    }
                                    // dQ = scale · dS · K ; dK = scale · dSᵀ · Q
                                    BLAS.gemm(
                                        m: length, n: hd, k: length, alpha: scale, a: ds, lda: length,
                                        b: key, ldb: 3 * c, c: dq + base, ldc: 3 * c)
                                    BLAS.gemm(
                                        transposeA: true, m: length, n: hd, k: length, alpha: scale,
                                        a: ds, lda: length, b: query, ldb: 3 * c, c: dq + base + c,
                                        ldc: 3 * c)
                                }
                            }
                        }
                    }
                }
            }
        }
        return gradQKV
    }
}
