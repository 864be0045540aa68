public import NeuralLM

/// AdaLoRA's SVD-form update: y += (α / (r₀ + 1e-5)) · dropout(x) · (A ∘ E)ᵀ · Bᵀ.
///
/// P = B `[out, r]` (left singular vectors), Λ = E `[r, 1]` (singular values), Q = A `[r, in]`
/// (right singular vectors), named `lora_B`, `lora_E`, `lora_A` as PEFT stores them. Pruning a
/// triplet zeroes its E entry; `initialRank` (PEFT's `ranknum`) stays fixed, so pruning or
/// resizing never changes the scale of the remaining triplets.
public struct SVDAdapter: LinearAdapter, Equatable {
    public var a: Tensor
    public var e: Tensor
    public var b: Tensor
    public var alpha: Float
    /// The rank the adapter was created with; the scale divides by it.
    public var initialRank: Int
    public var dropout: Float
    public var dropoutSeed: UInt64?
    /// Which triplets the rank allocator keeps; pruned ones have E forced to zero.
    public var rankMask: [Bool]

    /// A fresh adapter: A and B normal(0, 0.02) as PEFT, E zero as the AdaLoRA paper, so the
    /// adapted projection starts equal to the base one.
    public init(
        inFeatures: Int, outFeatures: Int, rank: Int, alpha: Float, dropout: Float = 0,
        rng: inout SeededGenerator
    ) {
        var aValues = [Float](repeating: 0, count: rank * inFeatures)
        for index in aValues.indices { aValues[index] = 0.02 * rng.nextNormal() }
        var bValues = [Float](repeating: 0, count: outFeatures * rank)
        for index in bValues.indices { bValues[index] = 0.02 * rng.nextNormal() }
        self.init(
            a: Tensor(shape: [rank, inFeatures], storage: aValues), e: Tensor(zeros: [rank, 1]),
            b: Tensor(shape: [outFeatures, rank], storage: bValues), alpha: alpha, initialRank: rank,
            dropout: dropout)
    }

    public init(a: Tensor, e: Tensor, b: Tensor, alpha: Float, initialRank: Int, dropout: Float = 0) {
        precondition(a.shape.count == 2 && b.shape.count == 2, "SVD adapter factors are matrices")
        precondition(e.shape == [a.shape[0], 1] && b.shape[1] == a.shape[0], "SVD adapter shapes")
        self.a = a
        self.e = e
        self.b = b
        self.alpha = alpha
        self.initialRank = initialRank
        self.dropout = dropout
        self.rankMask = Array(repeating: true, count: a.shape[0])
    }

    public var rank: Int { a.shape[0] }
    public var inFeatures: Int { a.shape[1] }
    public var outFeatures: Int { b.shape[0] }
    /// PEFT's scale: α / (ranknum + 1e-5).
    public var scaling: Float { alpha / (Float(initialRank) + 1e-5) }
    /// Number of triplets the allocator keeps.
    public var activeRank: Int { rankMask.filter { $0 }.count }

    /// A ∘ E: each row of A scaled by its singular value.
    private var scaledA: Tensor {
        var result = a
        for row in 0..<rank {
            let value = e.storage[row]
            for column in 0..<inFeatures { result.storage[row * inFeatures + column] *= value }
        }
        return result
    }

    public func forward(input: Tensor) -> Tensor {
        let (x, _) = AdapterDropout.apply(input, seed: dropoutSeed, probability: dropout)
        let hidden = BLAS.matmul(x, scaledA, transposeB: true)
        var output = BLAS.matmul(hidden, b, transposeB: true)
        output.scale(by: scaling)
        return output
    }

    public func backward(input: Tensor, gradOutput: Tensor) -> (
        gradInput: Tensor, parameterGradients: [String: Tensor]
    ) {
        let (x, mask) = AdapterDropout.apply(input, seed: dropoutSeed, probability: dropout)
        let ae = scaledA
        let hidden = BLAS.matmul(x, ae, transposeB: true)
        var gradB = BLAS.matmul(gradOutput, hidden, transposeA: true)
        gradB.scale(by: scaling)
        var gradHidden = BLAS.matmul(gradOutput, b)
        gradHidden.scale(by: scaling)
        let gradAE = BLAS.matmul(gradHidden, x, transposeA: true)
        var gradA = gradAE
        var gradE = Tensor(zeros: [rank, 1])
        for row in 0..<rank {
            var sum: Float = 0
            for column in 0..<inFeatures {
                let index = row * inFeatures + column
                sum += gradAE.storage[index] * a.storage[index]
                gradA.storage[index] *= e.storage[row]
            }
            gradE.storage[row] = sum
        }
        var gradInput = BLAS.matmul(gradHidden, ae)
        if let mask {
            for index in 0..<mask.count { gradInput.storage[index] *= mask[index] }
        }
        return (gradInput, ["lora_A": gradA, "lora_E": gradE, "lora_B": gradB])
    }

    public var parameters: [(name: String, tensor: Tensor)] {
        [("lora_A", a), ("lora_E", e), ("lora_B", b)]
    }

    public mutating func setParameter(named name: String, to tensor: Tensor) throws {
        switch name {
        case "lora_A" where tensor.shape == a.shape: a = tensor
        case "lora_E" where tensor.shape == e.shape: e = tensor
        case "lora_B" where tensor.shape == b.shape: b = tensor
        default:
            throw NeuralLMError(
                .baseMismatch,
                "AdaLoRA parameter \(name) with shape \(tensor.shape) does not fit rank \(rank)")
        }
    }

    /// Zeroes the singular values of pruned triplets (`keep[i] == false`).
    public mutating func applyRankMask(_ keep: [Bool]) {
        precondition(keep.count == rank, "rank mask length")
        rankMask = keep
        for (index, kept) in keep.enumerated() where !kept { e.storage[index] = 0 }
    }

    /// The update in the base weight's `[in, out]` layout.
    public var deltaWeight: Tensor {
        var delta = BLAS.matmul(scaledA, b, transposeA: true, transposeB: true)
        delta.scale(by: scaling)
        return delta
    }

    /// Keeps only the triplets marked true (PEFT's resize by rank pattern); the scale is unchanged.
    public func resized(keeping keep: [Bool]) -> SVDAdapter {
        let rows = keep.indices.filter { keep[$0] }
        var newA: [Float] = []
        var newE: [Float] = []
        var newB = [Float](repeating: 0, count: outFeatures * rows.count)
        for row in rows {
            newA += a.storage[(row * inFeatures)..<((row + 1) * inFeatures)]
            newE.append(e.storage[row])
        }
        for out in 0..<outFeatures {
            for (column, row) in rows.enumerated() {
                newB[out * rows.count + column] = b.storage[out * rank + row]
            }
        }
        var result = SVDAdapter(
            a: Tensor(shape: [rows.count, inFeatures], storage: newA),
            e: Tensor(shape: [rows.count, 1], storage: newE),
            b: Tensor(shape: [outFeatures, rows.count], storage: newB), alpha: alpha,
            initialRank: initialRank, dropout: dropout)
        result.dropoutSeed = dropoutSeed
        return result
    }
}
