import Foundation
import NeuralLM
import Testing

/// Guards the committed `Models/base/` release: consistent files, size budget, and a model that
/// has learned English word order.
@Suite("Released base model")
struct ReleasedBaseModelTests {
    static let folder = PreparedData.packageRoot.appendingPathComponent("Models/base")

    @Test("config, weights and tokenizer agree and fit the 12 MB budget")
    func consistent() throws {
        let model = try GPT2Model(huggingFaceDirectory: Self.folder)
        let tokenizer = try TokenizerFile.read(from: Self.folder.appendingPathComponent("tokenizer.json"))
        #expect(model.config.vocabSize == tokenizer.vocabularySize)
        #expect(model.config.bosTokenId == tokenizer.id(of: .bos))
        #expect(model.config.eosTokenId == tokenizer.id(of: .eos))
        #expect(model.config.nEmbd == 256 && model.config.nLayer == 4 && model.config.nHead == 4)
        let weights = try SafetensorsFile(contentsOf: Self.folder.appendingPathComponent("model.safetensors"))
        #expect(weights.dtypes.values.allSatisfy { $0 == .f16 })
        var bytes = 0
        for name in ["config.json", "model.safetensors", "tokenizer.json"] {
            let attributes = try FileManager.default.attributesOfItem(
                atPath: Self.folder.appendingPathComponent(name).path)
            bytes += (attributes[.size] as? Int) ?? 0
        }
        #expect(bytes <= 12_000_000, "Models/base is \(bytes) bytes")
    }

    @Test("The model scores real sentences above the same words shuffled")
    func prefersWordOrder() throws {
        let model = try GPT2Model(huggingFaceDirectory: Self.folder)
        let tokenizer = try TokenizerFile.read(from: Self.folder.appendingPathComponent("tokenizer.json"))
        let pairs = [
            ("and god said let there be light", "light be said there god let and"),
            ("the ship sailed across the sea", "sea the across sailed ship the"),
            ("he was not an ill disposed young man", "man young disposed ill an not was he"),
            ("she went to the house of her father", "father her of house the to went she"),
        ]
        let scores = try model.sentenceLogProbabilities(
            pairs.flatMap { [tokenizer.encode($0.0), tokenizer.encode($0.1)] })
        for (index, pair) in pairs.enumerated() {
            #expect(
                scores[2 * index] > scores[2 * index + 1] + 5,
                "\(pair.0): \(scores[2 * index]) vs \(scores[2 * index + 1])")
        }
    }
}
