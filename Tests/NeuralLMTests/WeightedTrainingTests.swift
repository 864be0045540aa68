import Testing

@testable import NeuralLM

/// The weighted training pass: per-sequence losses, weights chosen after the forward, one backward.
@Suite("Weighted training pass")
struct WeightedTrainingTests {
    /// One OpenBLAS thread: summation order, hence every result, is the same on every run.
    init() { BLAS.setThreadCount(1) }

    /// Sequences of different lengths (2…12 tokens), so packing places them at uneven offsets.
    private let sequences = TestSupport.randomSequences(count: 6, lengths: 2...12, vocabulary: 29, seed: 41)

    /// Largest |a − b| over every gradient, scaled by the largest |b| (1 when b is tiny).
    private func relativeDifference(_ a: [String: Tensor], _ b: [String: Tensor]) -> Float {
        var worst: Float = 0
        for (name, expected) in b {
            guard let actual = a[name] else { return .infinity }
            let magnitude = max(1, expected.storage.map(abs).max() ?? 0)
            worst = max(worst, actual.maxAbsDifference(expected) / magnitude)
        }
        return worst
    }

    @Test("uniform weights 1/tokens reproduce lossAndGradients bit for bit")
    func uniformWeightsMatchTheMeanLoss() throws {
        let model = try TestSupport.perturbedModel()
        let batch = TokenBatch(sequences: sequences)
        var none: SeededGenerator? = nil
        let mean = try model.lossAndGradients(batch, dropout: &none)
        let scale = Double(1 / Float(mean.tokenCount))
        let weighted = try model.weightedLossAndGradients(batch, dropout: &none) { losses in
            Array(repeating: scale, count: losses.count)
        }
        #expect(weighted.tokenCount == mean.tokenCount)
        #expect(abs(weighted.sequenceLosses.reduce(0, +) - mean.lossSum) < 1e-9 * mean.lossSum)
        #expect(Set(weighted.gradients.keys) == Set(mean.gradients.keys))
        #expect(weighted.gradients.count == model.namedParameters.count)
        for (name, gradient) in mean.gradients {
            #expect(weighted.gradients[name] == gradient, "\(name)")
        }
    }

    @Test("the closure sees each sequence's summed NLL, as the scoring path computes it")
    func lossesAreSequenceNLLs() throws {
        let model = try TestSupport.perturbedModel()
        var none: SeededGenerator? = nil
        var seen: [Double] = []
        let result = try model.weightedLossAndGradients(TokenBatch(sequences: sequences), dropout: &none) {
            seen = $0
            return $0.map { _ in 0 }
        }
        let scored = try model.nextTokenLogProbabilities(TokenBatch(sequences: sequences))
        #expect(seen == result.sequenceLosses)
        for (loss, logProbabilities) in zip(seen, scored) {
            let expected = -logProbabilities.reduce(0.0) { $0 + Double($1) }
            #expect(abs(loss - expected) < 1e-5 * max(1, abs(expected)))
        }
        #expect(result.gradients.values.allSatisfy { $0.squaredNorm == 0 }, "zero weights, zero gradients")
    }

    @Test(
        "weights chosen from the losses equal Σ wᵢ · one pass per sequence, dropout masks included",
        arguments: [false, true])
    func matchesOnePassPerSequence(dropout: Bool) throws {
        var config = TestSupport.tinyConfig
        if dropout {
            config.embdPdrop = 0.1
            config.attnPdrop = 0.1
            config.residPdrop = 0.1
        }
        let model = try TestSupport.perturbedModel(config: config)
        // Weights of both signs and a zero, computed from the forward's own losses.
        func weights(_ losses: [Double]) -> [Double] {
            losses.enumerated().map { index, loss in index == 2 ? 0 : 0.05 * loss - 0.4 }
        }
        var batchedGenerator: SeededGenerator? = dropout ? SeededGenerator(seed: 5) : nil
        let batched = try model.weightedLossAndGradients(
            TokenBatch(sequences: sequences), dropout: &batchedGenerator, sequenceWeights: weights)

        var loopGenerator: SeededGenerator? = dropout ? SeededGenerator(seed: 5) : nil
        var passes: [LossAndGradients] = []
        for sequence in sequences {
            passes.append(
                try model.lossAndGradients(
                    TokenBatch(sequences: [sequence]), normalizer: 1, dropout: &loopGenerator))
        }
        let losses = passes.map(\.lossSum)
        var expected: [String: Tensor] = [:]
        for (pass, weight) in zip(passes, weights(losses)) {
            for (name, gradient) in pass.gradients {
                expected[name, default: Tensor(zeros: gradient.shape)].add(gradient, scale: Float(weight))
            }
        }
        #expect(batchedGenerator == loopGenerator, "both drew the same number of masks")
        for (batchedLoss, loopLoss) in zip(batched.sequenceLosses, losses) {
            #expect(abs(batchedLoss - loopLoss) < 1e-5 * max(1, abs(loopLoss)))
        }
        #expect(batched.sequenceWeights == weights(batched.sequenceLosses))
        #expect(batched.tokenCount == passes.reduce(0) { $0 + $1.tokenCount })
        #expect(Set(batched.gradients.keys) == Set(expected.keys))
        let difference = relativeDifference(batched.gradients, expected)
        #expect(difference < 1e-5, "largest relative gradient difference \(difference)")
        if dropout {
            // The masks mattered: without dropout the losses differ.
            var none: SeededGenerator? = nil
            let plain = try model.weightedLossAndGradients(TokenBatch(sequences: sequences), dropout: &none) {
                $0.map { _ in 1 }
            }
            #expect(zip(plain.sequenceLosses, batched.sequenceLosses).contains { abs($0 - $1) > 1e-3 })
        }
    }

    @Test("a wrong number of weights, a non-finite weight or a sequence too short is an invalidInput error")
    func invalidWeights() throws {
        let model = try TestSupport.perturbedModel()
        let batch = TokenBatch(sequences: sequences)
        var none: SeededGenerator? = nil
        let count = try #require(throws: NeuralLMError.self) {
            try model.weightedLossAndGradients(batch, dropout: &none) { _ in [1, 2] }
        }
        #expect(count.code == .invalidInput && count.message == "2 sequence weights for 6 sequences")
        let nan = try #require(throws: NeuralLMError.self) {
            try model.weightedLossAndGradients(batch, dropout: &none) { $0.map { _ in .nan } }
        }
        #expect(nan.code == .invalidInput && nan.message.contains("sequence weight 0 is nan"))
        let short = try #require(throws: NeuralLMError.self) {
            try model.weightedLossAndGradients(TokenBatch(sequences: [[3, 4], [5]]), dropout: &none) {
                $0
            }
        }
        #expect(short.code == .invalidInput && short.message.contains("sequence 1 has fewer than two tokens"))
    }
}
