import Foundation
import NeuralLM
import Testing

@testable import Adaptation

@Suite("Serving adapters")
struct ServingAdapterTests {
    private func saveAdapter(_ directory: URL, seed: UInt64) throws -> GPT2Model {
        var model = try Support.perturbedModel()
        let configuration = LoRAConfiguration(
            rank: 3, alpha: 6, targetModules: [.attentionQKV, .mlpProjection])
        try model.attachLoRA(configuration, seed: seed)
        Support.perturbAdapters(&model, seed: seed + 10)
        try PEFTAdapterFiles.save(model: model, configuration: configuration, baseName: "tiny", to: directory)
        return model
    }

    @Test("a served adapter scores each sentence as the attached adapter does, beside the base and another")
    func servedMatchesAttached() throws {
        let first = try Support.temporaryDirectory()
        let second = try Support.temporaryDirectory()
        defer {
            Support.cleanUp(first)
            Support.cleanUp(second)
        }
        let attachedA = try saveAdapter(first, seed: 1)
        let attachedB = try saveAdapter(second, seed: 2)
        var serving = try Support.perturbedModel()
        try PEFTAdapterFiles.loadServing(named: "a", from: first, into: &serving)
        try PEFTAdapterFiles.loadServing(named: "b", from: second, into: &serving)
        #expect(serving.servingAdapterNames == ["a", "b"])

        let sentences = Support.randomSequences(
            count: 6, lengths: 2...9, vocabulary: serving.config.vocabSize, seed: 5)
        let names: [String?] = ["a", nil, "b", "a", "b", nil]
        let mixed = try serving.sentenceLogProbabilities(sentences, adapters: names)
        let base = try Support.perturbedModel().sentenceLogProbabilities(sentences)
        let withA = try attachedA.sentenceLogProbabilities(sentences)
        let withB = try attachedB.sentenceLogProbabilities(sentences)
        for (index, name) in names.enumerated() {
            let expected = name == "a" ? withA[index] : name == "b" ? withB[index] : base[index]
            #expect(abs(mixed[index] - expected) < 1e-4, "sentence \(index) with adapter \(name ?? "none")")
        }
        #expect(
            abs(withA[0] - base[0]) > 1e-3,
            "the adapter must change the scores for this test to mean anything")
    }

    @Test("a repeated name, an empty name and a damaged file are rejected and leave the model unchanged")
    func rejections() throws {
        let directory = try Support.temporaryDirectory()
        defer { Support.cleanUp(directory) }
        _ = try saveAdapter(directory, seed: 1)
        var serving = try Support.perturbedModel()
        try PEFTAdapterFiles.loadServing(named: "a", from: directory, into: &serving)
        #expect(throws: NeuralLMError.self) {
            try PEFTAdapterFiles.loadServing(named: "a", from: directory, into: &serving)
        }
        #expect(throws: NeuralLMError.self) {
            try PEFTAdapterFiles.loadServing(named: "", from: directory, into: &serving)
        }
        let weights = directory.appendingPathComponent("adapter_model.safetensors")
        let bytes = try Data(contentsOf: weights)
        try bytes.prefix(bytes.count / 2).write(to: weights)
        #expect(throws: NeuralLMError.self) {
            try PEFTAdapterFiles.loadServing(named: "c", from: directory, into: &serving)
        }
        #expect(serving.servingAdapterNames == ["a"])
    }
}
