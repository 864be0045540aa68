import Testing

@testable import NeuralLM

/// Finite-difference checks of every backward pass.
///
/// Each layer's output is reduced to a scalar L = Σ R ⊙ output with a fixed random R (accumulated
/// in Float64), and ∂L/∂input from the backward pass is compared with the central difference
/// (L(x+ε) − L(x−ε)) / 2ε at ε = 1e-2 on sampled elements. Float32 round-off in L is about 1e-6
/// and the O(ε²) truncation about 1e-4 for these smooth functions, so the tolerance is
/// |analytic − numeric| ≤ 2e-3 + 2e-2·|numeric|; wrong formulas give errors of order the gradient.
@Suite("Finite-difference gradient checks")
struct GradientCheckTests {
    /// One OpenBLAS thread: summation order, hence every result, is the same on every run.
    init() { BLAS.setThreadCount(1) }

    private static let epsilon: Float = 1e-2

    private func random(_ shape: [Int], seed: UInt64, scale: Float = 1) -> Tensor {
        var rng = SeededGenerator(seed: seed)
        return Tensor(shape: shape, storage: (0..<shape.reduce(1, *)).map { _ in rng.nextNormal() * scale })
    }

    private func project(_ output: Tensor, _ weights: Tensor) -> Double {
        zip(output.storage, weights.storage).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
    }

    /// Compares `analytic` with central differences of `loss` around `point` on up to `samples` indices.
    private func check(
        _ label: String, point: Tensor, analytic: Tensor, samples: Int = 24, loss: (Tensor) -> Double
    ) {
        #expect(point.shape == analytic.shape, "\(label) gradient shape")
        let stride = max(1, point.count / samples)
        var index = 0
        while index < point.count {
            var plus = point
            plus.storage[index] += Self.epsilon
            var minus = point
            minus.storage[index] -= Self.epsilon
            let numeric = (loss(plus) - loss(minus)) / (2 * Double(Self.epsilon))
            let value = Double(analytic.storage[index])
            #expect(
                abs(value - numeric) <= 2e-3 + 2e-2 * abs(numeric),
                "\(label)[\(index)]: \(value) vs \(numeric)")
            index += stride
        }
    }

    @Test("layer norm: input, gamma, beta")
    func layerNorm() {
        let x = random([3, 8], seed: 1)
        let gamma = random([8], seed: 2)
        let beta = random([8], seed: 3)
        let r = random([3, 8], seed: 4)
        let forward = LayerNormKernel.forward(input: x, gamma: gamma, beta: beta, epsilon: 1e-5)
        let backward = LayerNormKernel.backward(
            input: x, gamma: gamma, mean: forward.mean, rstd: forward.rstd, gradOutput: r)
        check("x", point: x, analytic: backward.gradInput) {
            project(LayerNormKernel.forward(input: $0, gamma: gamma, beta: beta, epsilon: 1e-5).output, r)
        }
        check("gamma", point: gamma, analytic: backward.gradGamma) {
            project(LayerNormKernel.forward(input: x, gamma: $0, beta: beta, epsilon: 1e-5).output, r)
        }
        check("beta", point: beta, analytic: backward.gradBeta) {
            project(LayerNormKernel.forward(input: x, gamma: gamma, beta: $0, epsilon: 1e-5).output, r)
        }
    }

    @Test("GELU")
    func gelu() {
        let x = random([4, 9], seed: 5, scale: 2)
        let r = random([4, 9], seed: 6)
        let analytic = GELUKernel.backward(input: x, gradOutput: r)
        check("x", point: x, analytic: analytic, samples: 36) { project(GELUKernel.forward($0), r) }
    }

    @Test("Linear: input, weight, bias; frozen weight gives no weight gradient")
    func linear() {
        let x = random([5, 6], seed: 7)
        var layer = Linear(weight: random([6, 4], seed: 8), bias: random([4], seed: 9))
        let r = random([5, 4], seed: 10)
        let gradients = layer.backward(input: x, gradOutput: r)
        check("x", point: x, analytic: gradients.input) { project(layer.forward($0), r) }
        check("weight", point: layer.weight, analytic: gradients.weight!) {
            project(Linear(weight: $0, bias: layer.bias).forward(x), r)
        }
        check("bias", point: layer.bias, analytic: gradients.bias!) {
            project(Linear(weight: layer.weight, bias: $0).forward(x), r)
        }
        layer.weightRequiresGrad = false
        let frozen = layer.backward(input: x, gradOutput: r)
        #expect(frozen.weight == nil)
        #expect(frozen.input.maxAbsDifference(gradients.input) == 0)
    }

    @Test(
        "causal attention over packed segments of different lengths, with and without dropout",
        arguments: [false, true])
    func attention(dropout: Bool) {
        let heads = 2
        let c = 8
        let segments = [
            PackedSegment(rowStart: 0, length: 4, pastLength: 0),
            PackedSegment(rowStart: 4, length: 3, pastLength: 0),
        ]
        let qkv = random([7, 3 * c], seed: 11)
        let r = random([7, c], seed: 12)
        var rng = SeededGenerator(seed: 13)
        let masks: [[Float]]? =
            dropout
            ? segments.map { Dropout.mask(count: heads * $0.length * $0.length, probability: 0.3, rng: &rng) }
            : nil
        func output(_ input: Tensor) -> Tensor {
            AttentionKernel.forward(
                qkv: input, segments: segments, past: nil, heads: heads, keepProbabilities: false,
                returnPresents: false, dropoutMasks: masks
            ).output
        }
        let forward = AttentionKernel.forward(
            qkv: qkv, segments: segments, past: nil, heads: heads, keepProbabilities: true,
            returnPresents: false,
            dropoutMasks: masks)
        let analytic = AttentionKernel.backward(
            qkv: qkv, segments: segments, probabilities: forward.probabilities, gradOutput: r, heads: heads,
            dropoutMasks: masks)
        check("qkv", point: qkv, analytic: analytic, samples: 80) { project(output($0), r) }
    }

    @Test("whole model: every parameter including the tied embedding, through the loss")
    func wholeModel() throws {
        let model = try TestSupport.perturbedModel()
        let batch = TokenBatch(
            sequences: TestSupport.randomSequences(count: 3, lengths: 2...7, vocabulary: 29, seed: 13))
        var none: SeededGenerator? = nil
        let result = try model.lossAndGradients(batch, dropout: &none)
        #expect(result.gradients.count == model.parameterShapes.count)
        for (name, parameter, _) in model.namedParameters {
            let analytic = try #require(result.gradients[name])
            check(name, point: parameter, analytic: analytic, samples: 6) { value in
                var copy = model
                copy.forEachParameter { other, tensor, _ in if other == name { tensor = value } }
                var rng: SeededGenerator? = nil
                let sum = (try? copy.lossAndGradients(batch, dropout: &rng).lossSum) ?? .nan
                return sum / Double(result.tokenCount)
            }
        }
    }
}
