import Foundation
import Testing

@testable import NeuralLM

/// Forward kernels against straightforward double-precision definitions.
@Suite("Tensor kernels")
struct KernelTests {
    private func random(_ shape: [Int], seed: UInt64, scale: Float = 1) -> Tensor {
        var rng = SeededGenerator(seed: seed)
        let count = shape.reduce(1, *)
        return Tensor(shape: shape, storage: (0..<count).map { _ in rng.nextNormal() * scale })
    }

    @Test(
        "gemm with every transpose combination equals the naive product", arguments: [false, true],
        [false, true])
    func gemmTransposes(transposeA: Bool, transposeB: Bool) {
        let (m, n, k) = (5, 7, 3)
        let a = random(transposeA ? [k, m] : [m, k], seed: 1)
        let b = random(transposeB ? [n, k] : [k, n], seed: 2)
        let product = BLAS.matmul(a, b, transposeA: transposeA, transposeB: transposeB)
        #expect(product.shape == [m, n])
        for i in 0..<m {
            for j in 0..<n {
                var sum = 0.0
                for p in 0..<k {
                    let x = transposeA ? a[p, i] : a[i, p]
                    let y = transposeB ? b[j, p] : b[p, j]
                    sum += Double(x) * Double(y)
                }
                #expect(abs(Double(product[i, j]) - sum) < 1e-5)
            }
        }
    }

    @Test("vectorised exp is within 3 ulp-scale relative error of Foundation.exp over [-80, 80]")
    func fastExp() {
        var worst: Float = 0
        var x: Float = -80
        while x <= 80 {
            let ours = FastMath.exp(x)
            let reference = Float(Foundation.exp(Double(x)))
            worst = max(worst, abs(ours - reference) / reference)
            x += 0.0137
        }
        #expect(worst < 4e-7, "worst relative error \(worst)")
    }

    @Test("gelu_new matches 0.5x(1+tanh(√(2/π)(x+0.044715x³)))")
    func gelu() {
        let input = random([3, 11], seed: 5, scale: 3)
        let output = GELUKernel.forward(input)
        for index in 0..<input.count {
            let x = Double(input.storage[index])
            let expected = 0.5 * x * (1 + tanh((2 / Double.pi).squareRoot() * (x + 0.044715 * x * x * x)))
            #expect(abs(Double(output.storage[index]) - expected) < 1e-6)
        }
    }

    @Test("layer norm rows have the affine-transformed zero mean and unit variance")
    func layerNorm() {
        let input = random([4, 10], seed: 6, scale: 2)
        let gamma = random([10], seed: 7)
        let beta = random([10], seed: 8)
        let result = LayerNormKernel.forward(input: input, gamma: gamma, beta: beta, epsilon: 1e-5)
        for row in 0..<4 {
            let values = (0..<10).map { Double(input[row, $0]) }
            let mean = values.reduce(0, +) / 10
            let variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 10
            for c in 0..<10 {
                let expected =
                    (values[c] - mean) / (variance + 1e-5).squareRoot() * Double(gamma.storage[c])
                    + Double(beta.storage[c])
                #expect(abs(Double(result.output[row, c]) - expected) < 1e-5)
            }
        }
    }

    @Test("half-precision conversion round-trips every finite half and rounds ties to even")
    func halfPrecision() {
        for bits in UInt16.min...UInt16.max {
            let exponent = (bits >> 10) & 0x1F
            let value = HalfPrecision.float(fromHalf: bits)
            if exponent == 0x1F && (bits & 0x3FF) != 0 {
                #expect(value.isNaN)
                #expect(HalfPrecision.half(from: value) & 0x7C00 == 0x7C00)
                continue
            }
            #expect(HalfPrecision.half(from: value) == bits, "bits \(bits)")
        }
        #expect(HalfPrecision.float(fromHalf: 0x3C00) == 1)
        #expect(HalfPrecision.float(fromHalf: 0xC000) == -2)
        #expect(HalfPrecision.float(fromHalf: 0x0001) == Float(pow(2.0, -24.0)))
        // 1 + 2^-11 lies halfway between 1 and 1 + 2^-10: ties to even gives 1.
        #expect(HalfPrecision.half(from: 1 + Float(pow(2.0, -11.0))) == 0x3C00)
        #expect(HalfPrecision.half(from: 1 + 3 * Float(pow(2.0, -11.0))) == 0x3C02)
        #expect(HalfPrecision.half(from: 70_000) == 0x7C00)
        #expect(HalfPrecision.half(from: 65_504) == 0x7BFF)
        #expect(HalfPrecision.float(fromBFloat: 0x3F80) == 1)
    }

    @Test("packed batch log-probabilities equal one-sequence-at-a-time results")
    func packedEqualsSingle() throws {
        let model = try TestSupport.perturbedModel()
        let sequences = TestSupport.randomSequences(count: 6, lengths: 1...16, vocabulary: 29, seed: 12)
        let batched = try model.nextTokenLogProbabilities(TokenBatch(sequences: sequences))
        for (index, sequence) in sequences.enumerated() {
            let single = try model.nextTokenLogProbabilities(TokenBatch(sequences: [sequence]))[0]
            #expect(single.count == sequence.count - 1)
            for (a, b) in zip(single, batched[index]) { #expect(abs(a - b) < 1e-5) }
        }
    }

    @Test("a padded matrix with a right-padded attention mask gives the same batch")
    func paddedBatch() throws {
        let batch = try TokenBatch(
            padded: [[5, 6, 7], [8, 0, 0]], attentionMask: [[1, 1, 1], [1, 0, 0]])
        #expect(batch.sequences == [[5, 6, 7], [8]])
        #expect(batch.padded(with: 0).attentionMask == [[1, 1, 1], [1, 0, 0]])
        #expect(throws: NeuralLMError.self) {
            try TokenBatch(padded: [[5, 6]], attentionMask: [[0, 1]])
        }
    }

    @Test("sentence score is the sum of framed next-token log-probabilities")
    func sentenceScore() throws {
        let model = try TestSupport.perturbedModel()
        let sentence = [4, 9, 13]
        let score = try model.sentenceLogProbabilities([sentence])[0]
        let distributions = try model.logProbabilityDistributions(TokenBatch(sequences: [[1] + sentence]))[0]
        let expected = distributions[0, 4] + distributions[1, 9] + distributions[2, 13] + distributions[3, 2]
        #expect(abs(score - expected) < 1e-5)
        #expect(score < 0)
    }

    @Test("invalid tokens and over-long sequences are typed errors")
    func invalidInput() throws {
        let model = try TestSupport.perturbedModel()
        #expect(throws: NeuralLMError(.invalidInput, "sequence 1 has token id 29 outside 0..<29")) {
            try model.nextTokenLogProbabilities(TokenBatch(sequences: [[1, 2], [29]]))
        }
        #expect(throws: NeuralLMError.self) {
            try model.sentenceLogProbabilities([Array(repeating: 3, count: 16)])
        }
        #expect(throws: NeuralLMError.self) {
            try model.nextTokenLogProbabilities(TokenBatch(sequences: [[]]))
        }
        #expect(throws: NeuralLMError(.invalidInput, "batch is empty")) {
            var none: SeededGenerator? = nil
            _ = try model.lossAndGradients(TokenBatch(sequences: []), dropout: &none)
        }
        // An empty request is answered, not an error.
        #expect(try model.sentenceLogProbabilities([]).isEmpty)
        #expect(try model.sentenceLogProbabilitiesSharingPrefixes([]).scores.isEmpty)
        #expect(try model.nextTokenLogProbabilities(TokenBatch(sequences: [])).isEmpty)
    }
}
