/// An affine projection in Hugging Face Conv1D layout: y = x · W + b with W `[in, out]`.
///
/// All four projections of a GPT-2 block go through this type so adapters attach in one place.
/// `weightRequiresGrad`/`biasRequiresGrad` freeze base parameters: their gradients are skipped
/// while the gradient still flows to the input.
public struct Linear: Sendable {
    /// `[inFeatures, outFeatures]`.
    public var weight: Tensor
    /// `[outFeatures]`.
    public var bias: Tensor
    public var weightRequiresGrad = true
    public var biasRequiresGrad = true
    /// The adapter applied to every row (training one adapter), if any.
    public var adapter: (any LinearAdapter)?
    /// Named adapters selectable per row range by `AdapterRouting` (serving several at once).
    public var adapters: [String: any LinearAdapter] = [:]

    public init(weight: Tensor, bias: Tensor) {
        precondition(weight.shape.count == 2 && bias.shape == [weight.shape[1]], "Linear shapes")
        self.weight = weight
        self.bias = bias
    }

    public var inFeatures: Int { weight.shape[0] }
    public var outFeatures: Int { weight.shape[1] }

    /// y = x·W + b (+ adapter deltas) for x `[rows, in]`.
    public func forward(_ input: Tensor, routing: AdapterRouting? = nil) -> Tensor {
        let rows = input.rows
        let n = outFeatures
        var output = Tensor(zeros: [rows, n])
        output.withUnsafeMutablePointer { y in
            bias.withUnsafePointer { b in
                ParallelChunks.forEachRowRange(rows: rows, width: n) { range in
                    for row in range { (y + row * n).update(from: b, count: n) }
                }
            }
        }
        BLAS.gemm(
            m: rows, n: n, k: inFeatures, a: input, lda: inFeatures, b: weight, ldb: n, beta: 1, c: &output,
            ldc: n)
        if let adapter {
            output.add(adapter.forward(input: input))
        }
        if let routing {
            for (range, name) in routing.assignments {
                precondition(
                    range.lowerBound >= 0 && range.upperBound <= rows,
                    "routing rows \(range) outside 0..<\(rows)")
                guard let routed = adapters[name], !range.isEmpty else { continue }
                let slice = Tensor(
                    shape: [range.count, inFeatures],
                    storage: Array(
                        input.storage[(range.lowerBound * inFeatures)..<(range.upperBound * inFeatures)]))
                let delta = routed.forward(input: slice)
                for (offset, value) in delta.storage.enumerated() {
                    output.storage[range.lowerBound * n + offset] += value
                }
            }
        }
        return output
    }

    /// Gradients of a forward call without routing.
    public struct Gradients: Sendable {
        public var input: Tensor
        public var weight: Tensor?
        public var bias: Tensor?
        public var adapter: [String: Tensor]
    }

    /// Backward pass for `forward(input)`; skips frozen parameter gradients.
    public func backward(input: Tensor, gradOutput: Tensor) -> Gradients {
        let rows = input.rows
        let n = outFeatures
        let k = inFeatures
        var gradInput = Tensor(zeros: [rows, k])
        var gradWeight: Tensor? = nil
        var gradBias: Tensor? = nil
        // dx = dy · Wᵀ
        BLAS.gemm(
            transposeB: true, m: rows, n: k, k: n, a: gradOutput, lda: n, b: weight, ldb: n, c: &gradInput,
            ldc: k)
        if weightRequiresGrad {
            // dW = xᵀ · dy
            var gw = Tensor(zeros: [k, n])
            BLAS.gemm(
                transposeA: true, m: k, n: n, k: rows, a: input, lda: k, b: gradOutput, ldb: n, c: &gw, ldc: n
            )
            gradWeight = gw
        }
        if biasRequiresGrad {
            // Column ranges, each summed in row order: the same floats at every thread count.
            var gb = Tensor(zeros: [n])
            gradOutput.withUnsafePointer { dy in
                gb.withUnsafeMutablePointer { g in
                    ParallelChunks.forEachColumnRange(rows: rows, width: n) { columns in
                        for row in 0..<rows {
                            for column in columns { g[column] += dy[row * n + column] }
                        }
                    }
                }
            }
            gradBias = gb
        }
        var adapterGradients: [String: Tensor] = [:]
        if let adapter {
            let result = adapter.backward(input: input, gradOutput: gradOutput)
            gradInput.add(result.gradInput)
            adapterGradients = result.parameterGradients
        }
        return Gradients(input: gradInput, weight: gradWeight, bias: gradBias, adapter: adapterGradients)
    }
}
