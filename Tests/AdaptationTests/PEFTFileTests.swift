import Foundation
import NeuralLM
import Testing

@testable import Adaptation

/// Round trips and validation of PEFT adapter directories without Python.
@Suite("PEFT files")
struct PEFTFileTests {
    private func savedAdapter(_ directory: URL, adaLoRA: Bool = false) throws -> GPT2Model {
        var model = try Support.perturbedModel()
        let configuration = LoRAConfiguration(
            rank: 3, alpha: 6, targetModules: [.attentionQKV, .mlpProjection])
        if adaLoRA {
            try model.attachAdaLoRA(configuration, seed: 1)
        } else {
            try model.attachLoRA(configuration, seed: 1)
        }
        Support.perturbAdapters(&model, seed: 3)
        try PEFTAdapterFiles.save(model: model, configuration: configuration, baseName: "tiny", to: directory)
        return model
    }

    @Test("save then load reproduces the adapters exactly", arguments: [false, true])
    func roundTrip(adaLoRA: Bool) throws {
        let directory = try Support.temporaryDirectory()
        defer { Support.cleanUp(directory) }
        let saved = try savedAdapter(directory, adaLoRA: adaLoRA)
        var model = try Support.perturbedModel()
        let loaded = try PEFTAdapterFiles.load(from: directory, into: &model)
        #expect(loaded.configuration.targetModules == [.attentionQKV, .mlpProjection])
        #expect(loaded.configuration.rank == 3)
        let batch = TokenBatch(
            sequences: Support.randomSequences(count: 2, lengths: 2...9, vocabulary: 31, seed: 4))
        #expect(
            Support.maxDifference(
                try model.logProbabilityDistributions(batch), try saved.logProbabilityDistributions(batch))
                == 0)
        let config = try String(
            contentsOf: directory.appendingPathComponent("adapter_config.json"), encoding: .utf8)
        #expect(config.contains(adaLoRA ? "\"ADALORA\"" : "\"LORA\""))
        let file = try SafetensorsFile(
            contentsOf: directory.appendingPathComponent("adapter_model.safetensors"))
        let suffix = adaLoRA ? ".lora_A" : ".lora_A.weight"
        #expect(file.tensors["base_model.model.transformer.h.0.attn.c_attn" + suffix] != nil)
    }

    @Test("a different base with the same shapes is rejected")
    func wrongBase() throws {
        let directory = try Support.temporaryDirectory()
        defer { Support.cleanUp(directory) }
        _ = try savedAdapter(directory)
        var other = try Support.perturbedModel(seed: 99)
        let error = try #require(throws: NeuralLMError.self) {
            try PEFTAdapterFiles.load(from: directory, into: &other)
        }
        #expect(error.code == .baseMismatch)
        #expect(error.message.contains("trained on base"))
    }

    @Test("a base with other shapes is rejected naming the module")
    func wrongShapes() throws {
        let directory = try Support.temporaryDirectory()
        defer { Support.cleanUp(directory) }
        _ = try savedAdapter(directory)
        // Drop the fingerprint so the shape check itself is exercised.
        let url = directory.appendingPathComponent("adapter_model.safetensors")
        var file = try SafetensorsFile(contentsOf: url)
        file.metadata = [:]
        try file.write(to: url)
        let config = GPT2Config(
            vocabSize: 31, nPositions: 16, nEmbd: 8, nLayer: 2, nHead: 2, bosTokenId: 1, eosTokenId: 2)
        var other = try GPT2Model(config: config, seed: 1)
        let error = try #require(throws: NeuralLMError.self) {
            try PEFTAdapterFiles.load(from: directory, into: &other)
        }
        #expect(error.code == .baseMismatch)
        #expect(error.message.contains("transformer.h.0.attn.c_attn"))
    }

    @Test(
        "corrupt or missing files give clear errors",
        arguments: ["truncate", "config", "missing", "extra", "nan"])
    func corruptFiles(damage: String) throws {
        let directory = try Support.temporaryDirectory()
        defer { Support.cleanUp(directory) }
        _ = try savedAdapter(directory)
        let weights = directory.appendingPathComponent("adapter_model.safetensors")
        switch damage {
        case "truncate":
            let data = try Data(contentsOf: weights)
            try data.prefix(data.count - 10).write(to: weights)
        case "config":
            try Data("{\"peft_type\": 3}".utf8).write(
                to: directory.appendingPathComponent("adapter_config.json"))
        case "missing", "extra", "nan":
            var file = try SafetensorsFile(contentsOf: weights)
            let key = "base_model.model.transformer.h.1.mlp.c_proj.lora_B.weight"
            if damage == "missing" { file.tensors[key] = nil }
            if damage == "extra" {
                file.tensors["base_model.model.transformer.h.0.ln_1.lora_A.weight"] = Tensor(zeros: [1])
            }
            if damage == "nan" { file.tensors[key]!.storage[0] = .nan }
            try file.write(to: weights)
        default:
            Issue.record("unknown damage")
        }
        var model = try Support.perturbedModel()
        let error = try #require(throws: NeuralLMError.self) {
            try PEFTAdapterFiles.load(from: directory, into: &model)
        }
        #expect(!error.message.isEmpty)
        #expect(model.adaptedSites.isEmpty, "a failed load leaves the model untouched")
        switch damage {
        case "truncate", "config", "nan": #expect(error.code == .corruptFile)
        default: #expect(error.code == .baseMismatch)
        }
    }
}
