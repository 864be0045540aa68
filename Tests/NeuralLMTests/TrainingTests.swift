import Foundation
import Testing

@testable import NeuralLM

/// Optimizer, schedule, accumulation, dropout and exact resume.
@Suite("Training")
struct TrainingTests {
    /// One OpenBLAS thread: summation order, hence every result, is the same on every run.
    init() { BLAS.setThreadCount(1) }

    private func configuration(
        accumulation: Int = 1, dropout: Bool = false, clip: Float? = 1.0
    ) -> TrainingConfiguration {
        TrainingConfiguration(
            schedule: LearningRateSchedule(peak: 3e-3, warmupSteps: 2, totalSteps: 20),
            maxGradientNorm: clip, accumulationSteps: accumulation, dropout: dropout, seed: 99)
    }

    private var batch: TokenBatch {
        TokenBatch(
            sequences: TestSupport.randomSequences(count: 6, lengths: 2...12, vocabulary: 29, seed: 31))
    }

    @Test("AdamW matches torch.optim.AdamW's update for two steps, decaying matrices only")
    func adamWUpdate() throws {
        var model = try TestSupport.perturbedModel()
        let originalWeight = model.blocks[0].attention.weight.storage[0]
        let originalBias = model.blocks[0].attention.bias.storage[0]
        var gradients: [String: Tensor] = [:]
        for (name, tensor, _) in model.namedParameters {
            gradients[name] = Tensor(repeating: 0.5, shape: tensor.shape)
        }
        var optimizer = AdamW(hyperparameters: .init(weightDecay: 0.1))
        optimizer.update(model: &model, gradients: gradients, learningRate: 0.01)
        optimizer.update(model: &model, gradients: gradients, learningRate: 0.01)
        // Reference arithmetic in double precision, as torch's single-tensor AdamW does it.
        func expected(_ start: Double, decay: Double) -> Double {
            var p = start
            var m = 0.0
            var v = 0.0
            for t in 1...2 {
                p *= 1 - 0.01 * decay
                m = 0.9 * m + 0.1 * 0.5
                v = 0.999 * v + 0.001 * 0.25
                let denominator = v.squareRoot() / (1 - pow(0.999, Double(t))).squareRoot() + 1e-8
                p -= 0.01 / (1 - pow(0.9, Double(t))) * m / denominator
            }
            return p
        }
        #expect(
            abs(
                Double(model.blocks[0].attention.weight.storage[0])
                    - expected(Double(originalWeight), decay: 0.1)) < 1e-6)
        #expect(
            abs(Double(model.blocks[0].attention.bias.storage[0]) - expected(Double(originalBias), decay: 0))
                < 1e-6)
    }

    @Test("warm-up rises linearly, cosine decays to the floor")
    func schedule() {
        let schedule = LearningRateSchedule(
            peak: 1, warmupSteps: 4, totalSteps: 14, decay: .cosine, floorRatio: 0.1)
        #expect(schedule.rate(atStep: 0) == 0.25)
        #expect(schedule.rate(atStep: 3) == 1)
        #expect(abs(schedule.rate(atStep: 9) - 0.55) < 1e-6)
        #expect(abs(schedule.rate(atStep: 14) - 0.1) < 1e-6)
        #expect(abs(schedule.rate(atStep: 100) - 0.1) < 1e-6)
        let linear = LearningRateSchedule(
            peak: 1, warmupSteps: 0, totalSteps: 10, decay: .linear, floorRatio: 0)
        #expect(abs(linear.rate(atStep: 5) - 0.5) < 1e-6)
    }

    @Test("clipping scales the global norm down to the limit and leaves small gradients alone")
    func clipping() {
        var gradients = ["a": Tensor(shape: [2], storage: [3, 0]), "b": Tensor(shape: [1], storage: [4])]
        let norm = GradientClipping.clip(&gradients, maxNorm: 1)
        #expect(abs(norm - 5) < 1e-6)
        #expect(abs(GradientClipping.globalNorm(gradients) - 1) < 1e-5)
        var small = ["a": Tensor(shape: [1], storage: [0.5])]
        GradientClipping.clip(&small, maxNorm: 1)
        #expect(small["a"]!.storage == [0.5])
    }

    @Test("gradient accumulation over micro-batches equals one full batch")
    func accumulation() throws {
        let model = try TestSupport.perturbedModel()
        var whole = try Trainer(model: model, configuration: configuration(accumulation: 1))
        var split = try Trainer(model: model, configuration: configuration(accumulation: 3))
        let a = try whole.trainStep(batch)
        let b = try split.trainStep(batch)
        #expect(abs(a.loss - b.loss) < 1e-5)
        #expect(abs(a.gradientNorm - b.gradientNorm) < 1e-4)
        // Adam's first step moves each weight by about lr·sign(g) = 1.5e-3, so summation-order
        // round-off on near-zero gradients shows up as small parameter differences.
        for ((name, x, _), (_, y, _)) in zip(whole.model.namedParameters, split.model.namedParameters) {
            #expect(x.maxAbsDifference(y) < 1e-4, "\(name)")
        }
    }

    @Test("training lowers the loss on a repeated batch; evaluation mode is deterministic")
    func lossDecreases() throws {
        var trainer = try Trainer(
            model: TestSupport.perturbedModel(), configuration: configuration(dropout: true))
        let before = try trainer.evaluationLoss(batch)
        #expect(try trainer.evaluationLoss(batch) == before)
        for _ in 0..<15 { try trainer.trainStep(batch) }
        let after = try trainer.evaluationLoss(batch)
        #expect(after < before - 0.3, "loss \(before) → \(after)")
    }

    @Test("dropout masks change the training loss but gradients stay consistent with the loss")
    func dropoutGradient() throws {
        var config = TestSupport.tinyConfig
        config.residPdrop = 0.2
        config.embdPdrop = 0.2
        config.attnPdrop = 0.2
        var model = try GPT2Model(config: config, seed: 3)
        model.forEachParameter { _, t, _ in t.scale(by: 3) }
        var generator: SeededGenerator? = SeededGenerator(seed: 5)
        let start = generator
        let result = try model.lossAndGradients(batch, dropout: &generator)
        var none: SeededGenerator? = nil
        let evaluation = try model.lossAndGradients(batch, dropout: &none)
        #expect(result.lossSum != evaluation.lossSum)
        // Same generator state → same masks: a directional derivative matches the gradient.
        let name = "transformer.h.0.mlp.c_fc.weight"
        let gradient = try #require(result.gradients[name])
        let epsilon: Float = 1e-2
        func loss(_ shift: Float) throws -> Double {
            var copy = model
            copy.forEachParameter { n, t, _ in
                if n == name { t.add(gradient, scale: shift / Float(gradient.squaredNorm.squareRoot())) }
            }
            var rng = start
            return try copy.lossAndGradients(batch, dropout: &rng).lossSum / Double(result.tokenCount)
        }
        let numeric = (try loss(epsilon) - loss(-epsilon)) / Double(2 * epsilon)
        let analytic = gradient.squaredNorm.squareRoot()
        #expect(abs(numeric - analytic) < 2e-3 + 2e-2 * analytic, "\(numeric) vs \(analytic)")
    }

    @Test("a frozen base gives gradients only for trainable parameters")
    func frozenBase() throws {
        var model = try TestSupport.perturbedModel()
        model.setBaseRequiresGrad(false)
        model.blocks[1].mlpProjection.biasRequiresGrad = true
        var none: SeededGenerator? = nil
        let result = try model.lossAndGradients(batch, dropout: &none)
        #expect(Set(result.gradients.keys) == ["transformer.h.1.mlp.c_proj.bias"])
    }

    @Test("save after 3 steps and resume gives bit-identical parameters to 6 uninterrupted steps")
    func exactResume() throws {
        let directory = try TestSupport.temporaryDirectory()
        defer { TestSupport.cleanUp(directory) }
        let batches = (0..<6).map {
            TokenBatch(
                sequences: TestSupport.randomSequences(
                    count: 4, lengths: 2...10, vocabulary: 29, seed: 50 + UInt64($0)))
        }
        var straight = try Trainer(
            model: TestSupport.perturbedModel(), configuration: configuration(dropout: true))
        for batch in batches { try straight.trainStep(batch) }
        var first = try Trainer(
            model: TestSupport.perturbedModel(), configuration: configuration(dropout: true))
        for batch in batches.prefix(3) { try first.trainStep(batch) }
        try first.save(to: directory)
        var resumed = try Trainer(resumingFrom: directory)
        #expect(resumed.step == 3)
        #expect(resumed.generator == first.generator)
        for batch in batches.suffix(3) { try resumed.trainStep(batch) }
        for ((name, x, _), (_, y, _)) in zip(straight.model.namedParameters, resumed.model.namedParameters) {
            #expect(x == y, "\(name) differs after resume")
        }
    }
}
