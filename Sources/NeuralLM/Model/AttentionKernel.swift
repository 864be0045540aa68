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
/// its prefix (`past`), which is how prefix sharing reuses computation. Sequences are independent,
/// so each is one chunk of `ParallelChunks` on the engine's threads (its small products run
/// single-threaded inside OpenBLAS).
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
        var output = Tensor(zeros: [rows, c])
        var allProbabilities = [[Float]](repeating: [], count: keepProbabilities ? segments.count : 0)
        var presents = [(keys: Tensor, values: Tensor)?](repeating: nil, count: segments.count)
        let work = segments.reduce(0) { $0 + 4 * $1.length * ($1.pastLength + $1.length) * c }
        qkv.withUnsafePointer { q in
            output.withUnsafeMutablePointer { out in
                allProbabilities.withUnsafeMutableBufferPointer { kept in
                    presents.withUnsafeMutableBufferPointer { presentSlots in
                        // One sequence per chunk: it writes only its own output rows and slots.
                        ParallelChunks.forEach(chunks: segments.count, work: work) { index in
                            let result = forwardSegment(
                                q, columns: c, segment: segments[index], cached: past?[index], heads: heads,
                                returnPresents: returnPresents, dropoutMask: dropoutMasks?[index], into: out)
                            if keepProbabilities { kept[index] = result.probabilities }
                            presentSlots[index] = result.present
                        }
                    }
                }
            }
        }
        return (output, allProbabilities, returnPresents ? presents.map { $0! } : [])
    }

    /// Attention of one packed sequence: writes its output rows and returns its probabilities
    /// (`[heads, L, past+L]`) and, when asked, its full keys/values.
    private static func forwardSegment(
        _ q: UnsafePointer<Float>, columns c: Int, segment: PackedSegment,
        cached: (keys: Tensor, values: Tensor)?, heads: Int, returnPresents: Bool, dropoutMask: [Float]?,
        into out: UnsafeMutablePointer<Float>
    ) -> (probabilities: [Float], present: (keys: Tensor, values: Tensor)?) {
        let hd = c / heads
        let scale = 1 / Float(hd).squareRoot()
        let length = segment.length
        let p = segment.pastLength
        let total = p + length
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
            keys!.withUnsafeMutablePointer { k in
                values!.withUnsafeMutablePointer { v in
                    for i in 0..<length {
                        let source = q + (segment.rowStart + i) * 3 * c
                        (k + (p + i) * c).update(from: source + c, count: c)
                        (v + (p + i) * c).update(from: source + 2 * c, count: c)
                    }
                }
            }
        }
        var probabilities = [Float](repeating: 0, count: heads * length * total)
        let dropped = UnsafeMutablePointer<Float>.allocate(capacity: dropoutMask == nil ? 0 : length * total)
        defer { dropped.deallocate() }
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
                    if let mask = dropoutMask {
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
        let present = returnPresents ? keys.map { (keys: $0, values: values!) } : nil
        return (probabilities, present)
    }

    /// Gradient with respect to the fused QKV input for segments without a cached prefix.
    ///
    /// `dropoutMasks` must be those of the forward pass.
    static func backward(
        qkv: Tensor, segments: [PackedSegment], probabilities: [[Float]], gradOutput: Tensor, heads: Int,
        dropoutMasks: [[Float]]? = nil
    ) -> Tensor {
        let c = qkv.columns / 3
        var gradQKV = Tensor(zeros: qkv.shape)
        let work = segments.reduce(0) { $0 + 8 * $1.length * $1.length * c }
        qkv.withUnsafePointer { q in
            gradOutput.withUnsafePointer { dOut in
                gradQKV.withUnsafeMutablePointer { dq in
                    // One sequence per chunk: it writes only its own rows of the QKV gradient.
                    ParallelChunks.forEach(chunks: segments.count, work: work) { index in
                        backwardSegment(
                            q, dOut, segment: segments[index], probabilities: probabilities[index],
                            columns: c,
                            heads: heads, dropoutMask: dropoutMasks?[index], into: dq)
                    }
                }
            }
        }
        return gradQKV
    }

    /// The QKV gradient rows of one packed sequence.
    private static func backwardSegment(
        _ q: UnsafePointer<Float>, _ dOut: UnsafePointer<Float>, segment: PackedSegment,
        probabilities: [Float],
        columns c: Int, heads: Int, dropoutMask: [Float]?, into dq: UnsafeMutablePointer<Float>
    ) {
        precondition(segment.pastLength == 0, "backward through a cached prefix is not supported")
        let hd = c / heads
        let scale = 1 / Float(hd).squareRoot()
        let length = segment.length
        var gradScores = [Float](repeating: 0, count: length * length)
        let dropped = UnsafeMutablePointer<Float>.allocate(capacity: dropoutMask == nil ? 0 : length * length)
        defer { dropped.deallocate() }
        probabilities.withUnsafePointer { probs in
            gradScores.withUnsafeMutablePointer { ds in
                for h in 0..<heads {
                    let base = segment.rowStart * 3 * c + h * hd
                    let query = q + base
                    let key = query + c
                    let value = query + 2 * c
                    let gradO = dOut + segment.rowStart * c + h * hd
                    let prob = probs + h * length * length
                    let mask = dropoutMask.map {
                        Array($0[(h * length * length)..<((h + 1) * length * length)])
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
                            ds[i * length + j] = prob[i * length + j] * (ds[i * length + j] - dot)
                        }
                    }
                    // dQ = scale · dS · K ; dK = scale · dSᵀ · Q
                    BLAS.gemm(
                        m: length, n: hd, k: length, alpha: scale, a: ds, lda: length,
                        b: key, ldb: 3 * c, c: dq + base, ldc: 3 * c)
                    BLAS.gemm(
                        transposeA: true, m: length, n: hd, k: length, alpha: scale,
                        a: ds, lda: length, b: query, ldb: 3 * c, c: dq + base + c, ldc: 3 * c)
                }
            }
        }
    }
}
