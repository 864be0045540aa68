public import NeuralLM

/// A LoRA update in PEFT's layout: y += s · dropout(x) · Aᵀ · Bᵀ.
///
/// `a` is PEFT's `lora_A.weight` `[r, in]` and `b` is `lora_B.weight` `[out, r]`, so files map
/// one-to-one. `activeRank` truncates to the first b rank components (DyLoRA's nested ordering)
/// with scale α/b; `nil` uses the full rank.
public struct LoRAAdapter: LinearAdapter, Equatable {
    /// `lora_A.weight` `[r, in]`.
    public var a: Tensor
    /// `lora_B.weight` `[out, r]`.
    public var b: Tensor
    public var alpha: Float
    public var scalingRule: LoRAScaling
    public var dropout: Float
    /// Set by the trainer on each training step to enable dropout; `nil` is evaluation mode.
    public var dropoutSeed: UInt64?
    /// Rank components in use (1…rank); `nil` means all.
    public var activeRank: Int?

    /// A fresh adapter initialised as PEFT does: A Kaiming-uniform (a = √5, i.e. U(±1/√in)), B zero,
    /// so the adapted projection starts equal to the base one.
    public init(
        inFeatures: Int, outFeatures: Int, rank: Int, alpha: Float, dropout: Float = 0,
        scaling: LoRAScaling = .standard, rng: inout SeededGenerator
    ) {
        let bound = 1 / Float(inFeatures).squareRoot()
        var values = [Float](repeating: 0, count: rank * inFeatures)
        for index in values.indices { values[index] = (2 * rng.nextUniform() - 1) * bound }
        self.init(
            a: Tensor(shape: [rank, inFeatures], storage: values), b: Tensor(zeros: [outFeatures, rank]),
            alpha: alpha, dropout: dropout, scaling: scaling)
    }

    /// An adapter from existing factors (loading, rank reduction).
    public init(a: Tensor, b: Tensor, alpha: Float, dropout: Float = 0, scaling: LoRAScaling = .standard) {
        precondition(a.shape.count == 2 && b.shape.count == 2 && a.shape[0] == b.shape[1], "LoRA shapes")
        self.a = a
        self.b = b
        self.alpha = alpha
        self.scalingRule = scaling
        self.dropout = dropout
    }

    public var rank: Int { a.shape[0] }
    public var inFeatures: Int { a.shape[1] }
    public var outFeatures: Int { b.shape[0] }
    /// Rank components used by forward and backward.
    public var effectiveRank: Int { min(rank, max(1, activeRank ?? rank)) }
    /// The factor s applied to the update at the effective rank.
    public var scaling: Float { scalingRule.factor(alpha: alpha, rank: effectiveRank) }

    public func forward(input: Tensor) -> Tensor {
        let (x, _) = AdapterDropout.apply(input, seed: dropoutSeed, probability: dropout)
        let hidden = project(x)
        var output = Tensor(zeros: [input.rows, outFeatures])
        let r = effectiveRank
        // y = s · h · B[:, :r]ᵀ
        BLAS.gemm(
            transposeB: true, m: input.rows, n: outFeatures, k: r, alpha: scaling, a: hidden, lda: r, b: b,
            ldb: rank, c: &output, ldc: outFeatures)
        return output
    }

    /// x · A[:r]ᵀ, `[rows, r]`.
    private func project(_ x: Tensor) -> Tensor {
        let r = effectiveRank
        var hidden = Tensor(zeros: [x.rows, r])
        BLAS.gemm(
            transposeB: true, m: x.rows, n: r, k: inFeatures, a: x, lda: inFeatures, b: a, ldb: inFeatures,
            c: &hidden, ldc: r)
        return hidden
    }

    public func backward(input: Tensor, gradOutput: Tensor) -> (
        gradInput: Tensor, parameterGradients: [String: Tensor]
    ) {
        let (x, mask) = AdapterDropout.apply(input, seed: dropoutSeed, probability: dropout)
        let hidden = project(x)
        let rows = input.rows
        let r = effectiveRank
        let s = scaling
        var gradA = Tensor(zeros: a.shape)
        var gradB = Tensor(zeros: b.shape)
        var gradHidden = Tensor(zeros: [rows, r])
        var gradInput = Tensor(zeros: [rows, inFeatures])
        // ∂B[:, :r] = s · gᵀ · h
        BLAS.gemm(
            transposeA: true, m: outFeatures, n: r, k: rows, alpha: s, a: gradOutput, lda: outFeatures,
            b: hidden, ldb: r, c: &gradB, ldc: rank)
        // ∂h = s · g · B[:, :r]
        BLAS.gemm(
            m: rows, n: r, k: outFeatures, alpha: s, a: gradOutput, lda: outFeatures, b: b, ldb: rank,
            c: &gradHidden, ldc: r)
        // ∂A[:r] = ∂hᵀ · x
        BLAS.gemm(
            transposeA: true, m: r, n: inFeatures, k: rows, a: gradHidden, lda: r, b: x, ldb: inFeatures,
            c: &gradA, ldc: inFeatures)
        // ∂x = ∂h · A[:r] (then through the dropout mask)
        BLAS.gemm(
            m: rows, n: inFeatures, k: r, a: gradHidden, lda: r, b: a, ldb: inFeatures, c: &gradInput,
            ldc: inFeatures)
        if let mask {
            for index in 0..<mask.count { gradInput.storage[index] *= mask[index] }
        }
        return (gradInput, ["lora_A.weight": gradA, "lora_B.weight": gradB])
    }

    public var parameters: [(name: String, tensor: Tensor)] {
        [("lora_A.weight", a), ("lora_B.weight", b)]
    }

    public mutating func setParameter(named name: String, to tensor: Tensor) throws {
        switch name {
        case "lora_A.weight" where tensor.shape == a.shape: a = tensor
        case "lora_B.weight" where tensor.shape == b.shape: b = tensor
        default:
            throw NeuralLMError(
                .baseMismatch, "LoRA parameter \(name) with shape \(tensor.shape) does not fit rank \(rank)")
        }
    }

    /// The update s · (B·A)ᵀ in the base weight's `[in, out]` layout, at the effective rank.
    public var deltaWeight: Tensor {
        let r = effectiveRank
        var delta = Tensor(zeros: [inFeatures, outFeatures])
        // Aᵀ[:, :r] · B[:, :r]ᵀ = (B A)ᵀ
        BLAS.gemm(
            transposeA: true, transposeB: true, m: inFeatures, n: outFeatures, k: r, alpha: scaling, a: a,
            lda: inFeatures, b: b, ldb: rank, c: &delta, ldc: outFeatures)
        return delta
    }

    /// A and B cut to the effective rank (the whole factors when no truncation is active).
    ///
    /// Under the standard α/r rule the scale at rank b is α/b, which is what a file of rank b
    /// loaded with the same α applies, so the saved adapter computes the truncated update.
    public var truncatedFactors: (a: Tensor, b: Tensor) {
        let r = effectiveRank
        guard r < rank else { return (a, b) }
        let a = Tensor(shape: [r, inFeatures], storage: Array(self.a.storage[..<(r * inFeatures)]))
        var values = [Float](repeating: 0, count: outFeatures * r)
        for row in 0..<outFeatures {
            for column in 0..<r { values[row * r + column] = self.b.storage[row * rank + column] }
        }
        return (a, Tensor(shape: [outFeatures, r], storage: values))
    }

    public static func == (lhs: LoRAAdapter, rhs: LoRAAdapter) -> Bool {
        lhs.a == rhs.a && lhs.b == rhs.b && lhs.alpha == rhs.alpha && lhs.scalingRule == rhs.scalingRule
            && lhs.dropout == rhs.dropout && lhs.activeRank == rhs.activeRank
    }
}
