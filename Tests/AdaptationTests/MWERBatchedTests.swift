import NeuralLM
import RescoringCore
import Testing

@testable import Adaptation

/// Batched MWER against the per-hypothesis loop it replaced, for every strategy and with dropout.
@Suite("MWER batched")
struct MWERBatchedTests {
    /// One OpenBLAS thread: summation order, hence every result, is the same on every run.
    init() { BLAS.setThreadCount(1) }

    /// The tiny model with every dropout of the base at 0.1 (embeddings, attention, residuals).
    static let droppingConfig: GPT2Config = {
        var config = Support.tinyConfig
        config.embdPdrop = 0.1
        config.attnPdrop = 0.1
        config.residPdrop = 0.1
        return config
    }()

    /// Lists of 1, 3, 2, 5 and 4 hypotheses of 0…8 tokens with errors 0…4 and spread first-pass scores.
    static func lists(seed: UInt64) -> [MWERExample] {
        var rng = SeededGenerator(seed: seed)
        return [1, 3, 2, 5, 4].enumerated().map { index, size in
            let candidates = (0..<size).map { _ in
                MWERExample.Candidate(
                    tokens: (0..<Int.random(in: 0...8, using: &rng)).map { _ in
                        Int.random(in: 3..<31, using: &rng)
                    },
                    firstPassScore: -Double.random(in: 0...3, using: &rng),
                    wordErrors: Double(Int.random(in: 0...4, using: &rng)),
                    wordCount: Int.random(in: 1...6, using: &rng))
            }
            return MWERExample(utteranceID: "u\(index)", referenceWordCount: 5, candidates: candidates)
        }
    }

    enum Strategy: String, CaseIterable, CustomTestStringConvertible {
        case lora, dyloraTruncated, adalora, full
        var testDescription: String { rawValue }
    }

    /// The tiny dropping model prepared for a strategy, with adapters perturbed off zero.
    static func model(for strategy: Strategy, loraDropout: Float = 0) throws -> GPT2Model {
        var model = try Support.perturbedModel(config: droppingConfig)
        let lora = LoRAConfiguration(
            rank: 4, alpha: 8, dropout: loraDropout, targetModules: TargetModule.allCases)
        switch strategy {
        case .lora: try model.attachLoRA(lora, seed: 1)
        case .dyloraTruncated:
            try model.attachLoRA(lora, seed: 1)
            model.setActiveRank(2)
        case .adalora: try model.attachAdaLoRA(lora, seed: 1)
        case .full: model.setBaseRequiresGrad(true)
        }
        Support.perturbAdapters(&model, seed: 3, scale: 0.3)
        return model
    }

    /// Largest |a − b| over every gradient, scaled by the largest |b| (1 when b is tiny).
    static func relativeDifference(_ a: [String: Tensor], _ b: [String: Tensor]) -> Float {
        var worst: Float = 0
        for (name, expected) in b {
            guard let actual = a[name] else { return .infinity }
            let magnitude = max(1, expected.storage.map(abs).max() ?? 0)
            worst = max(worst, actual.maxAbsDifference(expected) / magnitude)
        }
        return worst
    }

    @Test(
        "loss, tokens and every gradient equal the per-hypothesis loop, dropout on",
        arguments: Strategy.allCases)
    func matchesTheLoop(strategy: Strategy) throws {
        let model = try Self.model(for: strategy)
        let examples = Self.lists(seed: 8)
        let fusion = ScoreFusion(lmWeight: 0.4, lengthBonus: 0.1)
        let clm = TokenBatch(
            sequences: Support.randomSequences(count: 3, lengths: 3...9, vocabulary: 31, seed: 4))
        var batchedGenerator: SeededGenerator? = SeededGenerator(seed: 21)
        let batched = try MWERObjective.evaluate(
            model: model, examples: examples, fusion: fusion, clmBatch: clm, clmWeight: 0.2,
            dropout: &batchedGenerator)
        var loopGenerator: SeededGenerator? = SeededGenerator(seed: 21)
        let loop = try MWERObjective.evaluateOnePassPerHypothesis(
            model: model, examples: examples, fusion: fusion, clmBatch: clm, clmWeight: 0.2,
            dropout: &loopGenerator)
        #expect(batchedGenerator == loopGenerator, "the same masks were drawn")
        #expect(abs(batched.loss - loop.loss) < 1e-6, "\(batched.loss) vs \(loop.loss)")
        #expect(abs(batched.components["mwer"]! - loop.components["mwer"]!) < 1e-6)
        #expect(batched.components["clm"] == loop.components["clm"])
        #expect(batched.tokenCount == loop.tokenCount)
        #expect(Set(batched.gradients.keys) == Set(loop.gradients.keys))
        let expectedCount = model.namedParameters.filter { $0.requiresGrad }.count
        #expect(batched.gradients.count == expectedCount)
        let difference = Self.relativeDifference(batched.gradients, loop.gradients)
        #expect(difference < 1e-5, "largest relative gradient difference \(difference)")
        #expect(loop.gradients.values.contains { $0.squaredNorm > 1e-8 }, "the comparison is not of zeros")
    }

    @Test("a small token budget splits the step into several passes with the same result")
    func tokenBudget() throws {
        let model = try Self.model(for: .lora)
        let examples = Self.lists(seed: 9)
        let passes = MWERObjective.passes(examples, tokenBudget: 25)
        #expect(passes.count > 2)
        #expect(Array(passes.joined()) == examples, "every list once, in order")
        for pass in passes where pass.count > 1 {
            #expect(pass.reduce(0) { $0 + $1.candidates.reduce(0) { $0 + $1.tokens.count + 2 } } <= 25)
        }
        let fusion = ScoreFusion(lmWeight: 0.5)
        var first: SeededGenerator? = SeededGenerator(seed: 2)
        let whole = try MWERObjective.evaluate(
            model: model, examples: examples, fusion: fusion, dropout: &first)
        var second: SeededGenerator? = SeededGenerator(seed: 2)
        let split = try MWERObjective.evaluate(
            model: model, examples: examples, fusion: fusion, dropout: &second, tokenBudget: 25)
        #expect(first == second)
        #expect(abs(whole.loss - split.loss) < 1e-9)
        #expect(whole.tokenCount == split.tokenCount)
        #expect(Self.relativeDifference(split.gradients, whole.gradients) < 1e-5)
        var none: SeededGenerator? = nil
        let error = try #require(throws: NeuralLMError.self) {
            try MWERObjective.evaluate(
                model: model, examples: examples, fusion: fusion, dropout: &none, tokenBudget: 0)
        }
        #expect(error.code == .invalidConfiguration && error.message.contains("token budget"))
    }

    /// LoRA dropout draws one mask per adapter call from a seed and the call's shape, so the loop
    /// (one call per hypothesis) and the batch (one call for all) cannot share masks; the batched
    /// gradients are checked against finite differences of the batched loss under the same masks.
    @Test("with LoRA dropout too, batched gradients match finite differences of the batched loss")
    func loraDropoutFiniteDifferences() throws {
        var model = try Self.model(for: .lora, loraDropout: 0.2)
        model.setAdapterDropoutSeed(11)
        let examples = Self.lists(seed: 10)
        let fusion = ScoreFusion(lmWeight: 0.6, lengthBonus: 0.05)
        func evaluate(_ probe: GPT2Model) throws -> ObjectiveResult {
            var generator: SeededGenerator? = SeededGenerator(seed: 6)
            return try MWERObjective.evaluate(
                model: probe, examples: examples, fusion: fusion, dropout: &generator)
        }
        let analytic = try evaluate(model)
        var checked = 0
        for name in analytic.gradients.keys.sorted() where name.hasPrefix("transformer.h.0.") {
            let gradient = analytic.gradients[name]!
            for index in stride(from: 0, to: gradient.count, by: max(1, gradient.count / 3)) {
                func loss(_ delta: Float) throws -> Double {
                    var probe = model
                    probe.forEachParameter { parameter, tensor, _ in
                        if parameter == name { tensor.storage[index] += delta }
                    }
                    return try evaluate(probe).loss
                }
                let numeric = (try loss(1e-2) - loss(-1e-2)) / 2e-2
                let value = Double(gradient.storage[index])
                #expect(
                    abs(numeric - value) < 2e-3 + 3e-2 * abs(numeric),
                    "\(name)[\(index)]: \(value) vs \(numeric)")
                checked += 1
            }
        }
        #expect(checked >= 24)
        var unmasked = model
        unmasked.setAdapterDropoutSeed(nil)
        let unmaskedLoss = try evaluate(unmasked).loss
        #expect(abs(unmaskedLoss - analytic.loss) > 1e-6, "LoRA dropout changed the loss")
    }
}
