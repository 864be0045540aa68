import Foundation
import NeuralLM
import Testing

@testable import Adaptation

/// Every strategy trains, and each strategy's own rule does what it claims.
@Suite("Training strategies")
struct StrategyTests {
    /// A learnable "domain": sequences that count upward by a fixed stride modulo the vocabulary.
    static let domain: [[Int]] = (0..<8).map { start in (0..<10).map { (3 + start + 2 * $0) % 31 } }

    static func settings(_ strategy: TrainingStrategy, totalSteps: Int = 30) -> StrategySettings {
        let lora = LoRAConfiguration(rank: 4, alpha: 8, targetModules: TargetModule.allCases)
        switch strategy {
        case .adalora:
            return StrategySettings(
                strategy: .adalora(
                    AdaLoRASettings(
                        targetRank: 2, initialWarmupSteps: 5, finalFixedSteps: 5, maskInterval: 2,
                        totalSteps: totalSteps)),
                lora: lora)
        case .warmup:
            return StrategySettings(strategy: .warmup(WarmupSettings(rank: 8, steps: 10)), lora: lora)
        case .full:
            return StrategySettings(strategy: .full, lora: lora)
        case .lora:
            return StrategySettings(strategy: .lora, lora: lora)
        case .dylora:
            return StrategySettings(strategy: .dylora, lora: lora)
        }
    }

    /// AdaLoRA starts from singular values of zero and factors of scale 0.02, so its update grows
    /// more slowly than LoRA's; it gets a larger step, as the AdaLoRA paper's settings do.
    static func optimization(_ strategy: TrainingStrategy, totalSteps: Int = 30) -> OptimizationSettings {
        OptimizationSettings(
            schedule: LearningRateSchedule(
                peak: strategy == .adalora ? 5e-2 : 1e-2, warmupSteps: 2, totalSteps: totalSteps,
                decay: .constant),
            seed: 3)
    }

    static func train(_ strategy: TrainingStrategy, steps: Int = 30) throws -> (AdapterTrainer, [StepReport])
    {
        var trainer = try AdapterTrainer(
            base: try Support.perturbedModel(), settings: settings(strategy, totalSteps: steps),
            optimization: optimization(strategy, totalSteps: steps))
        var reports: [StepReport] = []
        for _ in 0..<steps {
            reports.append(
                try trainer.trainStep { model, dropout in
                    try CausalLMObjective.evaluate(
                        model: model, batch: TokenBatch(sequences: domain), dropout: &dropout)
                })
        }
        return (trainer, reports)
    }

    @Test("every strategy lowers the domain loss", arguments: TrainingStrategy.allCases)
    func lowersLoss(strategy: TrainingStrategy) throws {
        let base = try CausalLMObjective.loss(
            model: try Support.perturbedModel(), batches: [TokenBatch(sequences: Self.domain)])
        let (trainer, reports) = try Self.train(strategy)
        let after = try CausalLMObjective.loss(
            model: trainer.model, batches: [TokenBatch(sequences: Self.domain)])
        #expect(after < 0.8 * base, "\(strategy): \(base) → \(after)")
        #expect(reports.allSatisfy { $0.loss.isFinite && $0.seconds >= 0 })
        let fullCount = try Support.perturbedModel().parameterCount
        if strategy == .full {
            #expect(trainer.trainableParameterCount == fullCount)
        } else {
            #expect(trainer.trainableParameterCount < fullCount / 2)
            #expect(trainer.model.trainableParameterCount == trainer.trainableParameterCount)
        }
    }

    @Test("AdaLoRA budget follows the cubic schedule with warm-up and final phases")
    func adaLoRABudget() {
        let settings = AdaLoRASettings(
            targetRank: 2, initialWarmupSteps: 10, finalFixedSteps: 20, maskInterval: 5, totalSteps: 130)
        #expect(settings.budget(atStep: 10, initialBudget: 64, targetBudget: 16) == (64, false))
        // Halfway through the cubic phase: 16 + 48 · 0.5³ = 22.
        #expect(settings.budget(atStep: 60, initialBudget: 64, targetBudget: 16) == (22, true))
        #expect(settings.budget(atStep: 61, initialBudget: 64, targetBudget: 16).mask == false)
        #expect(settings.budget(atStep: 111, initialBudget: 64, targetBudget: 16) == (16, true))
        var previous = 64
        for step in 11...110 {
            let budget = settings.budget(atStep: step, initialBudget: 64, targetBudget: 16).budget
            #expect(budget <= previous && budget >= 16)
            previous = budget
        }
        #expect(throws: NeuralLMError.self) {
            try AdaLoRASettings(targetRank: 2, initialWarmupSteps: 60, finalFixedSteps: 70, totalSteps: 130)
                .validate(initialRank: 4)
        }
    }

    @Test("AdaLoRA ends at the target total rank with a per-module pattern")
    func adaLoRAPattern() throws {
        let (trainer, reports) = try Self.train(.adalora)
        let pattern = trainer.rankPattern
        #expect(pattern.count == 8)
        #expect(pattern.values.reduce(0) { $0 + $1.filter { $0 }.count } == 2 * 8)
        #expect(trainer.rankSummary.values.reduce(0, +) == 16)
        #expect(reports.last?.budget == 16)
        // Pruned singular values are zero.
        for site in trainer.model.adaptedSites {
            let svd = try #require(trainer.model.adapter(at: site) as? SVDAdapter)
            for (index, kept) in svd.rankMask.enumerated() where !kept { #expect(svd.e.storage[index] == 0) }
        }
        // Budgets never increase.
        let budgets = reports.compactMap(\.budget)
        #expect(zip(budgets, budgets.dropFirst()).allSatisfy { $0 >= $1 })
    }

    @Test("AdaLoRA importance is β-smoothed |w·g| and prunes the least important triplet")
    func adaLoRAImportance() throws {
        var model = try Support.perturbedModel()
        try model.attachAdaLoRA(LoRAConfiguration(rank: 2, alpha: 2, targetModules: [.attentionQKV]), seed: 1)
        let sites = model.adaptedSites
        var gradients: [String: Tensor] = [:]
        for site in sites {
            let svd = try #require(model.adapter(at: site) as? SVDAdapter)
            var e = svd.e
            e.storage = [1, 1]
            model.setAdapter(SVDAdapter(a: svd.a, e: e, b: svd.b, alpha: 2, initialRank: 2), at: site)
            gradients[site.name + ".lora_A"] = Tensor(zeros: svd.a.shape)
            gradients[site.name + ".lora_B"] = Tensor(zeros: svd.b.shape)
            // Triplet 1 of layer 0 is far more sensitive than all others.
            gradients[site.name + ".lora_E"] = Tensor(
                shape: [2, 1], storage: site.layer == 0 ? [0.1, 5] : [0.2, 0.3])
        }
        let settings = AdaLoRASettings(
            targetRank: 1, initialWarmupSteps: 0, finalFixedSteps: 1, maskInterval: 1, totalSteps: 3)
        var allocator = AdaLoRARankAllocator(settings: settings, initialBudget: 4)
        _ = allocator.update(model: &model, gradients: gradients, step: 1)
        let name = sites[0].name + ".lora_E"
        // Ī = 0.15·|1·0.1| = 0.015; Ū = 0.15·|0.1 − 0.015| = 0.01275.
        #expect(abs(allocator.sensitivity[name]![0] - 0.015) < 1e-6)
        #expect(abs(allocator.uncertainty[name]![0] - 0.01275) < 1e-6)
        // Step 3 is in the final phase: budget 2 of 4 → keep the two most important triplets.
        let pattern = try #require(allocator.update(model: &model, gradients: gradients, step: 3))
        #expect(pattern[sites[0].name] == [false, true])
        #expect(pattern[sites[1].name] == [false, true])
    }

    @Test("the orthogonality regulariser's gradient matches finite differences")
    func orthogonalityGradient() throws {
        var model = try Support.perturbedModel()
        try model.attachAdaLoRA(LoRAConfiguration(rank: 3, alpha: 3, targetModules: [.mlpExpand]), seed: 2)
        Support.perturbAdapters(&model, seed: 5)
        let (_, gradients) = OrthogonalityRegularizer.lossAndGradients(model: model, weight: 0.7)
        for (name, gradient) in gradients {
            for index in [0, gradient.count / 2, gradient.count - 1] {
                func value(_ delta: Float) -> Double {
                    var probe = model
                    probe.forEachParameter { parameter, tensor, _ in
                        if parameter == name { tensor.storage[index] += delta }
                    }
                    return Double(OrthogonalityRegularizer.lossAndGradients(model: probe, weight: 0.7).loss)
                }
                let numeric = Float((value(1e-3) - value(-1e-3)) / 2e-3)
                #expect(
                    abs(numeric - gradient.storage[index]) < 1e-3 + 1e-2 * abs(numeric), "\(name)[\(index)]")
            }
        }
    }

    @Test("DyLoRA samples ranks in 1…r_max and every truncated rank works afterwards")
    func dyLoRARanks() throws {
        let (trainer, reports) = try Self.train(.dylora, steps: 40)
        let sampled = Set(reports.compactMap(\.sampledRank))
        #expect(sampled.isSubset(of: Set(1...4)) && sampled.count >= 3)
        let base = try CausalLMObjective.loss(
            model: try Support.perturbedModel(), batches: [TokenBatch(sequences: Self.domain)])
        var model = trainer.model
        for rank in 1...4 {
            model.setActiveRank(rank)
            let loss = try CausalLMObjective.loss(model: model, batches: [TokenBatch(sequences: Self.domain)])
            #expect(loss < 0.9 * base, "rank \(rank): \(loss) vs base \(base)")
        }
    }

    @Test("a truncated adapter only gets gradients for its first b components")
    func dyLoRANestedGradients() throws {
        var model = try Support.perturbedModel()
        try model.attachLoRA(LoRAConfiguration(rank: 4, alpha: 4, targetModules: [.attentionQKV]), seed: 1)
        Support.perturbAdapters(&model, seed: 2)
        model.setActiveRank(2)
        var none: SeededGenerator? = nil
        let result = try model.lossAndGradients(TokenBatch(sequences: Self.domain), dropout: &none)
        let gradA = try #require(result.gradients["transformer.h.0.attn.c_attn.lora_A.weight"])
        let gradB = try #require(result.gradients["transformer.h.0.attn.c_attn.lora_B.weight"])
        #expect(gradA.storage[(2 * 16)...].allSatisfy { $0 == 0 })
        #expect(gradA.storage[..<(2 * 16)].contains { $0 != 0 })
        for row in 0..<48 { #expect(gradB[row, 2] == 0 && gradB[row, 3] == 0) }
        // Scale α/b at rank b.
        let lora = try #require(model.adapter(at: model.adaptedSites[0]) as? LoRAAdapter)
        #expect(lora.scaling == 2)
    }

    @Test("warm-up reduces to the target rank by the best low-rank approximation")
    func warmupReduction() throws {
        let (trainer, reports) = try Self.train(.warmup, steps: 14)
        #expect(reports.filter(\.rankReduced).map(\.step) == [10])
        #expect(trainer.rankSummary.values.allSatisfy { $0 == 4 })

        // Eckart–Young: the truncation error equals the discarded singular values.
        var rng = SeededGenerator(seed: 4)
        var adapter = LoRAAdapter(inFeatures: 12, outFeatures: 9, rank: 6, alpha: 6, rng: &rng)
        adapter.b = Tensor(shape: [9, 6], storage: (0..<54).map { _ in rng.nextNormal() })
        let sigma = LowRankApproximation.singularValues(of: adapter)
        #expect(zip(sigma, sigma.dropFirst()).allSatisfy { $0 >= $1 })
        let truncated = LowRankApproximation.truncate(adapter, to: 3)
        #expect(truncated.rank == 3)
        var difference = adapter.deltaWeight
        difference.add(truncated.deltaWeight, scale: -1)
        let expected = sigma[3...].reduce(0) { $0 + $1 * $1 }
        #expect(abs(difference.squaredNorm - expected) < 1e-3 * max(1, expected))
        // The Frobenius norm of the full update is the root sum of all σ².
        #expect(
            abs(adapter.deltaWeight.squaredNorm - sigma.reduce(0) { $0 + $1 * $1 }) < 1e-3
                * adapter.deltaWeight.squaredNorm)
        // An update of rank ≤ k is reproduced exactly.
        let exact = LowRankApproximation.truncate(truncated, to: 3)
        #expect(exact.deltaWeight.maxAbsDifference(truncated.deltaWeight) < 1e-5)
    }

    @Test("strategy settings are validated")
    func validation() {
        let lora = LoRAConfiguration(rank: 4, alpha: 8)
        #expect(throws: NeuralLMError.self) {
            try StrategySettings(strategy: .warmup(WarmupSettings(rank: 4, steps: 3)), lora: lora).validate()
        }
        #expect(throws: NeuralLMError.self) {
            try StrategySettings(strategy: .warmup(WarmupSettings(rank: 8, steps: 0)), lora: lora).validate()
        }
        #expect(throws: NeuralLMError.self) {
            let schedule = AdaLoRASettings(
                targetRank: 8, initialWarmupSteps: 1, finalFixedSteps: 1, totalSteps: 10)
            try StrategySettings(strategy: .adalora(schedule), lora: lora).validate()
        }
    }
}
