import Foundation
import NeuralLM
import Testing

@testable import Adaptation

/// A resumed run continues exactly as an uninterrupted one.
@Suite("Adapter checkpoints")
struct CheckpointTests {
    static func step(_ trainer: inout AdapterTrainer) throws {
        try trainer.trainStep { model, dropout in
            try CausalLMObjective.evaluate(
                model: model, batch: TokenBatch(sequences: StrategyTests.domain), dropout: &dropout)
        }
    }

    @Test(
        "resuming reproduces the uninterrupted run bit for bit",
        arguments: [
            (TrainingStrategy.lora, 5), (.adalora, 12), (.dylora, 5), (.warmup, 7), (.warmup, 12), (.full, 3),
        ])
    func resume(strategy: TrainingStrategy, split: Int) throws {
        let total = split + 3
        let base = try Support.perturbedModel()
        let settings = StrategyTests.settings(strategy, totalSteps: 30)
        var optimization = StrategyTests.optimization(strategy, totalSteps: 30)
        optimization.seed = 11
        var straight = try AdapterTrainer(base: base, settings: settings, optimization: optimization)
        for _ in 0..<total { try Self.step(&straight) }

        let directory = try Support.temporaryDirectory()
        defer { Support.cleanUp(directory) }
        var first = try AdapterTrainer(base: base, settings: settings, optimization: optimization)
        for _ in 0..<split { try Self.step(&first) }
        try first.saveCheckpoint(to: directory)
        var resumed = try AdapterTrainer(resumingFrom: directory, base: base)
        #expect(resumed.step == split)
        for _ in split..<total { try Self.step(&resumed) }
        let a = straight.model.namedParameters
        let b = resumed.model.namedParameters
        #expect(a.count == b.count)
        for (x, y) in zip(a, b) {
            #expect(x.name == y.name)
            #expect(x.tensor == y.tensor, "\(x.name) differs after resume")
        }
        #expect(straight.rankPattern == resumed.rankPattern)
    }

    @Test("a damaged checkpoint is rejected")
    func damaged() throws {
        let directory = try Support.temporaryDirectory()
        defer { Support.cleanUp(directory) }
        let base = try Support.perturbedModel()
        var trainer = try AdapterTrainer(
            base: base, settings: StrategyTests.settings(.lora),
            optimization: StrategyTests.optimization(.lora))
        try Self.step(&trainer)
        try trainer.saveCheckpoint(to: directory)
        try Data("{".utf8).write(to: directory.appendingPathComponent("trainer_state.json"))
        #expect(throws: NeuralLMError.self) { try AdapterTrainer(resumingFrom: directory, base: base) }
    }

    @Test("a DyLoRA adapter saved at a truncated rank computes the truncated update")
    func truncatedSave() throws {
        let directory = try Support.temporaryDirectory()
        defer { Support.cleanUp(directory) }
        var model = try Support.perturbedModel()
        let configuration = LoRAConfiguration(rank: 4, alpha: 8, targetModules: [.attentionQKV, .mlpExpand])
        try model.attachLoRA(configuration, seed: 1)
        Support.perturbAdapters(&model, seed: 2)
        model.setActiveRank(2)
        try PEFTAdapterFiles.save(model: model, configuration: configuration, baseName: "tiny", to: directory)
        var loaded = try Support.perturbedModel()
        let result = try PEFTAdapterFiles.load(from: directory, into: &loaded)
        #expect(result.config.r == 2)
        let batch = TokenBatch(sequences: StrategyTests.domain)
        #expect(
            Support.maxDifference(
                try loaded.logProbabilityDistributions(batch), try model.logProbabilityDistributions(batch))
                < 1e-6)
    }
}
