import Foundation
import NeuralLM
import Testing

@testable import Adaptation

/// Adapter initialisation, merging and gradients on a tiny model.
@Suite("LoRA adapters")
struct LoRAAdapterTests {
    static let scalings: [LoRAScaling] = [.standard, .rankStabilized]

    @Test("a fresh adapter leaves every log-probability unchanged", arguments: [false, true])
    func freshAdapterIsIdentity(adaLoRA: Bool) throws {
        let base = try Support.perturbedModel()
        var adapted = base
        let configuration = LoRAConfiguration(rank: 4, alpha: 8, targetModules: TargetModule.allCases)
        if adaLoRA {
            try adapted.attachAdaLoRA(configuration, seed: 3)
        } else {
            try adapted.attachLoRA(configuration, seed: 3)
        }
        #expect(adapted.adaptedSites.count == 8)
        let batch = TokenBatch(
            sequences: Support.randomSequences(count: 3, lengths: 2...12, vocabulary: 31, seed: 1))
        let before = try base.logProbabilityDistributions(batch)
        let after = try adapted.logProbabilityDistributions(batch)
        #expect(Support.maxDifference(before, after) == 0)
        // A is not zero (Kaiming-uniform within ±1/√in) so training can move B.
        if !adaLoRA, let lora = adapted.adapter(at: adapted.adaptedSites[0]) as? LoRAAdapter {
            let bound = 1 / Float(lora.inFeatures).squareRoot()
            #expect(lora.a.storage.allSatisfy { abs($0) <= bound })
            #expect(lora.a.squaredNorm > 0)
            #expect(lora.b.squaredNorm == 0)
        }
    }

    @Test("only adapters are trainable after attaching")
    func baseIsFrozen() throws {
        var model = try Support.perturbedModel()
        let total = model.trainableParameterCount
        try model.attachLoRA(LoRAConfiguration(rank: 2, alpha: 4, targetModules: [.attentionQKV]), seed: 1)
        // Per layer: A [2, 16] + B [48, 2].
        #expect(model.trainableParameterCount == 2 * (2 * 16 + 48 * 2))
        #expect(total > model.trainableParameterCount)
    }

    @Test("merging and unmerging keep the outputs", arguments: [false, true])
    func mergeUnmerge(adaLoRA: Bool) throws {
        var model = try Support.perturbedModel()
        let configuration = LoRAConfiguration(
            rank: 3, alpha: 6, targetModules: TargetModule.allCases,
            scaling: adaLoRA ? .standard : .rankStabilized)
        if adaLoRA {
            try model.attachAdaLoRA(configuration, seed: 5)
        } else {
            try model.attachLoRA(configuration, seed: 5)
        }
        Support.perturbAdapters(&model, seed: 9)
        let batch = TokenBatch(
            sequences: Support.randomSequences(count: 3, lengths: 2...14, vocabulary: 31, seed: 2))
        let adapted = try model.logProbabilityDistributions(batch)
        let base = try Support.perturbedModel().logProbabilityDistributions(batch)
        #expect(Support.maxDifference(adapted, base) > 1e-3, "the perturbed adapters must change outputs")
        var merged = model
        let saved = merged.mergeAdapters()
        #expect(merged.adaptedSites.isEmpty)
        #expect(Support.maxDifference(try merged.logProbabilityDistributions(batch), adapted) < 2e-5)
        merged.unmergeAdapters(saved)
        #expect(merged.adaptedSites.count == model.adaptedSites.count)
        #expect(Support.maxDifference(try merged.logProbabilityDistributions(batch), adapted) < 2e-5)
        for site in model.sites(for: TargetModule.allCases) {
            #expect(
                merged.projection(at: site).weight.maxAbsDifference(model.projection(at: site).weight) < 1e-5)
        }
    }

    @Test("adapter gradients match central finite differences", arguments: [false, true])
    func finiteDifferences(adaLoRA: Bool) throws {
        var model = try Support.perturbedModel()
        let configuration = LoRAConfiguration(rank: 2, alpha: 4, targetModules: TargetModule.allCases)
        if adaLoRA {
            try model.attachAdaLoRA(configuration, seed: 2)
        } else {
            try model.attachLoRA(configuration, seed: 2)
        }
        Support.perturbAdapters(&model, seed: 4)
        let batch = TokenBatch(
            sequences: Support.randomSequences(count: 2, lengths: 3...8, vocabulary: 31, seed: 6))
        var rng: SeededGenerator? = nil
        let analytic = try model.lossAndGradients(batch, dropout: &rng)
        #expect(analytic.gradients.keys.allSatisfy { $0.contains("lora_") })
        #expect(analytic.gradients.count == (adaLoRA ? 3 : 2) * 8)
        var checked = 0
        for (name, gradient) in analytic.gradients.sorted(by: { $0.key < $1.key }) {
            for index in stride(from: 0, to: gradient.count, by: max(1, gradient.count / 3)) {
                let epsilon: Float = 1e-2
                func loss(_ delta: Float) throws -> Double {
                    var probe = model
                    probe.forEachParameter { parameter, tensor, _ in
                        if parameter == name { tensor.storage[index] += delta }
                    }
                    var none: SeededGenerator? = nil
                    return try probe.lossAndGradients(batch, dropout: &none).lossSum
                        / Double(analytic.tokenCount)
                }
                let numeric = Float((try loss(epsilon) - loss(-epsilon)) / Double(2 * epsilon))
                let value = gradient.storage[index]
                #expect(
                    abs(numeric - value) < 2e-3 + 2e-2 * abs(numeric),
                    "\(name)[\(index)]: \(value) vs \(numeric)")
                checked += 1
            }
        }
        #expect(checked > 40)
    }

    @Test("dropout masks are the same in forward and backward and vanish at evaluation")
    func dropoutConsistency() throws {
        var rng = SeededGenerator(seed: 1)
        var adapter = LoRAAdapter(inFeatures: 6, outFeatures: 5, rank: 3, alpha: 3, dropout: 0.5, rng: &rng)
        adapter.b = Tensor(shape: [5, 3], storage: (0..<15).map { Float($0) / 10 })
        let input = Tensor(shape: [4, 6], storage: (0..<24).map { Float($0 % 7) / 7 - 0.3 })
        let evaluation = adapter.forward(input: input)
        adapter.dropoutSeed = 99
        let training = adapter.forward(input: input)
        #expect(training.maxAbsDifference(evaluation) > 0)
        #expect(adapter.forward(input: input) == training)
        // Directional derivative check of the input gradient with the fixed mask.
        let gradOutput = Tensor(repeating: 1, shape: [4, 5])
        let gradient = adapter.backward(input: input, gradOutput: gradOutput).gradInput
        var shifted = input
        shifted.storage[7] += 1e-2
        let numeric =
            (adapter.forward(input: shifted).storage.reduce(0, +) - training.storage.reduce(0, +)) / 1e-2
        #expect(abs(numeric - gradient.storage[7]) < 1e-2)
    }

    @Test("bad settings are rejected with a message")
    func invalidConfiguration() throws {
        var model = try Support.perturbedModel()
        #expect(throws: NeuralLMError.self) {
            try model.attachLoRA(LoRAConfiguration(rank: 0, alpha: 1), seed: 0)
        }
        #expect(throws: NeuralLMError.self) {
            try model.attachLoRA(LoRAConfiguration(rank: 2, alpha: 1, dropout: 1), seed: 0)
        }
        #expect(throws: NeuralLMError.self) { try TargetModule.parseList("attn.q_proj") }
        #expect(try TargetModule.parseList("all") == TargetModule.allCases)
    }
}
