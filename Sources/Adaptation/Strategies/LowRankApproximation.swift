import NeuralLM

/// Best rank-k approximation of a LoRA update B·A (Eckart–Young), without forming the full matrix.
///
/// B = Q₁R₁ and Aᵀ = Q₂R₂ (thin QR), so B·A = Q₁(R₁R₂ᵀ)Q₂ᵀ and the SVD of the small R×R core
/// gives the SVD of the update. Work is O((in + out)·R²), cheap even for wide projections.
/// Computation in double precision.
public enum LowRankApproximation {
    /// Singular values of the update s·B·A, largest first.
    public static func singularValues(of adapter: LoRAAdapter) -> [Double] {
        decompose(adapter).sigma.map { $0 * Double(adapter.scaling) }
    }

    /// A rank-`rank` adapter whose update equals the best rank-`rank` approximation of this one's.
    ///
    /// The new adapter uses its own scale rule at the new rank; the factors absorb the ratio so
    /// s_new·B'A' = truncation of s_old·B·A. Singular values are split evenly between B' and A'.
    public static func truncate(_ adapter: LoRAAdapter, to rank: Int) -> LoRAAdapter {
        precondition(rank >= 1 && rank <= adapter.rank, "target rank")
        let (left, sigma, right) = decompose(adapter)
        let oldScale = Double(adapter.scaling)
        let newScale = Double(adapter.scalingRule.factor(alpha: adapter.alpha, rank: rank))
        let out = adapter.outFeatures
        let input = adapter.inFeatures
        var b = [Float](repeating: 0, count: out * rank)
        var a = [Float](repeating: 0, count: rank * input)
        for k in 0..<rank {
            let root = (sigma[k] * oldScale / newScale).squareRoot()
            for i in 0..<out { b[i * rank + k] = Float(left[k][i] * root) }
            for j in 0..<input { a[k * input + j] = Float(right[k][j] * root) }
        }
        var result = LoRAAdapter(
            a: Tensor(shape: [rank, input], storage: a), b: Tensor(shape: [out, rank], storage: b),
            alpha: adapter.alpha, dropout: adapter.dropout, scaling: adapter.scalingRule)
        result.dropoutSeed = adapter.dropoutSeed
        return result
    }

    /// Left singular vectors (columns as arrays), singular values of B·A, right singular vectors.
    static func decompose(_ adapter: LoRAAdapter) -> (left: [[Double]], sigma: [Double], right: [[Double]]) {
        let r = adapter.effectiveRank
        let out = adapter.outFeatures
        let input = adapter.inFeatures
        let bColumns = (0..<r).map { k in (0..<out).map { Double(adapter.b.storage[$0 * adapter.rank + k]) } }
        let aRows = (0..<r).map { k in (0..<input).map { Double(adapter.a.storage[k * input + $0]) } }
        let (q1, r1) = thinQR(bColumns)
        let (q2, r2) = thinQR(aRows)
        // core = R₁ · R₂ᵀ (r × r), R stored as r[row][column].
        var core = [[Double]](repeating: [Double](repeating: 0, count: r), count: r)
        for i in 0..<r {
            for j in 0..<r {
                var sum = 0.0
                for k in 0..<r { sum += r1[i][k] * r2[j][k] }
                core[i][j] = sum
            }
        }
        let (u, sigma, v) = jacobiSVD(core)
        let left = u.map { column in combine(q1, column, length: out) }
        let right = v.map { column in combine(q2, column, length: input) }
        return (left, sigma, right)
    }

    /// Σ_k coefficients[k]·basis[k].
    private static func combine(_ basis: [[Double]], _ coefficients: [Double], length: Int) -> [Double] {
        var result = [Double](repeating: 0, count: length)
        for (vector, c) in zip(basis, coefficients) where c != 0 {
            for i in 0..<length { result[i] += c * vector[i] }
        }
        return result
    }

    /// Modified Gram–Schmidt with re-orthogonalisation: columns = Q·R; dependent columns get a zero
    /// basis vector (the product stays exact).
    static func thinQR(_ columns: [[Double]]) -> (q: [[Double]], r: [[Double]]) {
        let k = columns.count
        var q: [[Double]] = []
        var r = [[Double]](repeating: [Double](repeating: 0, count: k), count: k)
        for j in 0..<k {
            var v = columns[j]
            for _ in 0..<2 {
                for i in 0..<j {
                    let dot = zip(q[i], v).reduce(0) { $0 + $1.0 * $1.1 }
                    r[i][j] += dot
                    for t in v.indices { v[t] -= dot * q[i][t] }
                }
            }
            let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
            let reference = columns[j].reduce(0) { $0 + $1 * $1 }.squareRoot()
            if norm > 1e-12 * max(reference, 1e-300) {
                r[j][j] = norm
                q.append(v.map { $0 / norm })
            } else {
                q.append([Double](repeating: 0, count: v.count))
            }
        }
        return (q, r)
    }

    /// One-sided Jacobi SVD of a small square matrix m[row][column]: returns the columns of U and
    /// V and the singular values, sorted by decreasing singular value.
    static func jacobiSVD(_ m: [[Double]]) -> (u: [[Double]], sigma: [Double], v: [[Double]]) {
        let n = m.count
        // Work on columns: w[j] is column j of M·V.
        var w = (0..<n).map { j in (0..<n).map { m[$0][j] } }
        var v = (0..<n).map { j in (0..<n).map { $0 == j ? 1.0 : 0.0 } }
        for _ in 0..<60 {
            var rotated = false
            for p in 0..<n {
                for q in (p + 1)..<max(p + 1, n) {
                    let alpha = w[p].reduce(0) { $0 + $1 * $1 }
                    let beta = w[q].reduce(0) { $0 + $1 * $1 }
                    let gamma = zip(w[p], w[q]).reduce(0) { $0 + $1.0 * $1.1 }
                    guard abs(gamma) > 1e-15 * (alpha * beta).squareRoot(), gamma != 0 else { continue }
                    rotated = true
                    let zeta = (beta - alpha) / (2 * gamma)
                    let t = (zeta >= 0 ? 1.0 : -1.0) / (abs(zeta) + (1 + zeta * zeta).squareRoot())
                    let c = 1 / (1 + t * t).squareRoot()
                    let s = c * t
                    for i in 0..<n {
                        let wp = w[p][i]
                        let wq = w[q][i]
                        w[p][i] = c * wp - s * wq
                        w[q][i] = s * wp + c * wq
                        let vp = v[p][i]
                        let vq = v[q][i]
                        v[p][i] = c * vp - s * vq
                        v[q][i] = s * vp + c * vq
                    }
                }
            }
            if !rotated { break }
        }
        let sigma = w.map { $0.reduce(0) { $0 + $1 * $1 }.squareRoot() }
        let order = (0..<n).sorted { sigma[$0] > sigma[$1] }
        let u = order.map { j in sigma[j] > 0 ? w[j].map { $0 / sigma[j] } : [Double](repeating: 0, count: n)
        }
        return (u, order.map { sigma[$0] }, order.map { v[$0] })
    }
}
