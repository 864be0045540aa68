import Foundation
import NeuralLM
import SecondPassTestSupport
import Testing

@testable import Adaptation

/// Parity with PEFT 0.10 on torch 1.13: files in both directions and one step's gradients.
@Suite("PEFT parity", .serialized, .requiresPythonPeer)
struct PEFTParityTests {
    static let config = GPT2Config(
        vocabSize: 43, nPositions: 20, nEmbd: 24, nLayer: 2, nHead: 3, bosTokenId: 1, eosTokenId: 2,
        dropout: 0)

    /// Writes a perturbed base in the Hugging Face layout and returns it.
    private func writeBase(_ directory: URL) throws -> GPT2Model {
        let model = try Support.perturbedModel(config: Self.config, seed: 13)
        try model.save(huggingFaceDirectory: directory.appendingPathComponent("base"))
        return model
    }

    @Test(
        "an adapter written by Swift gives PEFT's log-probabilities within 1e-4",
        arguments: ["lora", "rslora", "adalora"])
    func swiftAdapterInPEFT(kind: String) async throws {
        BLAS.setThreadCount(1)
        let directory = try Support.temporaryDirectory()
        defer { Support.cleanUp(directory) }
        var model = try writeBase(directory)
        let configuration = LoRAConfiguration(
            rank: 4, alpha: 8, targetModules: TargetModule.allCases,
            scaling: kind == "rslora" ? .rankStabilized : .standard)
        if kind == "adalora" {
            try model.attachAdaLoRA(configuration, seed: 1)
        } else {
            try model.attachLoRA(configuration, seed: 1)
        }
        Support.perturbAdapters(&model, seed: 2, scale: 0.3)
        if kind == "adalora" {
            // Prune some triplets so the file carries a non-trivial rank pattern.
            for (index, site) in model.adaptedSites.enumerated() {
                var adapter = try #require(model.adapter(at: site) as? SVDAdapter)
                adapter.applyRankMask([true, index % 2 == 0, false, true])
                model.setAdapter(adapter, at: site)
            }
        }
        let adapterDirectory = directory.appendingPathComponent("adapter")
        try PEFTAdapterFiles.save(
            model: model, configuration: configuration, baseName: "tiny", to: adapterDirectory)
        let sequences = Support.randomSequences(count: 4, lengths: 3...20, vocabulary: 43, seed: 3)
        try Support.writeBatch(sequences, to: directory.appendingPathComponent("batch.json"))
        try await Support.runPEFT([
            "logprobs", directory.appendingPathComponent("base").path, adapterDirectory.path,
            directory.appendingPathComponent("batch.json").path,
            directory.appendingPathComponent("out.json").path,
        ])
        let ours = try model.logProbabilityDistributions(TokenBatch(sequences: sequences))
        let reference = try Support.readLogProbabilities(directory.appendingPathComponent("out.json"))
        let base = try Support.perturbedModel(config: Self.config, seed: 13).logProbabilityDistributions(
            TokenBatch(sequences: sequences))
        #expect(
            Support.maxDifference(ours, base) > 1e-2, "the adapter must matter for the test to mean anything")
        let difference = Support.maxDifference(ours, reference: reference)
        #expect(difference < 1e-4, "max |Δ log p| = \(difference)")
    }

    @Test(
        "an adapter saved by PEFT loads in Swift with equal outputs",
        arguments: ["lora", "rslora", "adalora"])
    func peftAdapterInSwift(kind: String) async throws {
        BLAS.setThreadCount(1)
        let directory = try Support.temporaryDirectory()
        defer { Support.cleanUp(directory) }
        var model = try writeBase(directory)
        let adapterDirectory = directory.appendingPathComponent("peft")
        try await Support.runPEFT([
            "create", directory.appendingPathComponent("base").path, adapterDirectory.path, "5", kind,
        ])
        let loaded = try PEFTAdapterFiles.load(from: adapterDirectory, into: &model)
        #expect(model.adaptedSites.count == 8)
        if kind == "adalora" {
            // The PEFT side kept triplets [T, F, T, T or F] per module.
            #expect(Set(loaded.rankPattern.values) == [2, 3])
        }
        let sequences = Support.randomSequences(count: 3, lengths: 2...20, vocabulary: 43, seed: 8)
        try Support.writeBatch(sequences, to: directory.appendingPathComponent("batch.json"))
        try await Support.runPEFT([
            "logprobs", directory.appendingPathComponent("base").path, adapterDirectory.path,
            directory.appendingPathComponent("batch.json").path,
            directory.appendingPathComponent("out.json").path,
        ])
        let ours = try model.logProbabilityDistributions(TokenBatch(sequences: sequences))
        let reference = try Support.readLogProbabilities(directory.appendingPathComponent("out.json"))
        let difference = Support.maxDifference(ours, reference: reference)
        #expect(difference < 1e-4, "max |Δ log p| = \(difference)")
    }

    @Test("LoRA gradients of one step match PEFT's within 2e-5 absolute + 1e-3 relative")
    func gradientsMatchPEFT() async throws {
        BLAS.setThreadCount(1)
        let directory = try Support.temporaryDirectory()
        defer { Support.cleanUp(directory) }
        var model = try writeBase(directory)
        let configuration = LoRAConfiguration(rank: 4, alpha: 8, targetModules: TargetModule.allCases)
        try model.attachLoRA(configuration, seed: 1)
        Support.perturbAdapters(&model, seed: 6, scale: 0.3)
        let adapterDirectory = directory.appendingPathComponent("adapter")
        try PEFTAdapterFiles.save(
            model: model, configuration: configuration, baseName: "tiny", to: adapterDirectory)
        let sequences = Support.randomSequences(count: 4, lengths: 2...20, vocabulary: 43, seed: 12)
        try Support.writeBatch(sequences, to: directory.appendingPathComponent("batch.json"))
        let output = directory.appendingPathComponent("grads.safetensors")
        try await Support.runPEFT([
            "grads", directory.appendingPathComponent("base").path, adapterDirectory.path,
            directory.appendingPathComponent("batch.json").path, output.path,
        ])
        let reference = try SafetensorsFile(contentsOf: output).tensors
        var rng: SeededGenerator? = nil
        let ours = try model.lossAndGradients(TokenBatch(sequences: sequences), dropout: &rng)
        #expect(abs(ours.meanLoss - (try #require(reference["loss"])).storage[0]) < 1e-5)
        #expect(ours.gradients.count == 16)
        #expect(reference.count == 17, "PEFT trains exactly the 16 LoRA factors")
        for (name, gradient) in ours.gradients {
            let expected = try #require(reference[name], "PEFT has no gradient \(name)")
            #expect(expected.shape == gradient.shape)
            for index in 0..<gradient.count
            where abs(gradient.storage[index] - expected.storage[index]) > 2e-5 + 1e-3
                * abs(expected.storage[index])
            {
                Issue.record(
                    "\(name)[\(index)]: ours \(gradient.storage[index]), PEFT \(expected.storage[index])")
                break
            }
        }
    }
}
