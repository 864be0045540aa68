import Foundation
import NeuralLM
import SecondPassTestSupport
import Testing

@testable import Adaptation

/// Guards the committed `Models/adapters/` release: every adapter loads onto the released base
/// (the fingerprint check catches a base retrained without its adapters) and moves the scores
/// the way its domain says.
@Suite("Released adapters")
struct ReleasedAdapterTests {
    static let base = PythonPeer.packageRoot.appendingPathComponent("Models/base")
    static let austen = PythonPeer.packageRoot.appendingPathComponent("Models/adapters/austen-lora-r8")

    @Test("the Austen adapter loads onto the released base and prefers Austen's prose to the base's taste")
    func austenAdapter() throws {
        var model = try GPT2Model(huggingFaceDirectory: Self.base)
        let tokenizer = try TokenizerFile.read(from: Self.base.appendingPathComponent("tokenizer.json"))
        let loaded = try PEFTAdapterFiles.loadServing(named: "austen", from: Self.austen, into: &model)
        #expect(loaded.configuration.rank == 8)
        // Austen-style sentences written for this test (not from any corpus split).
        let sentences = [
            "she was convinced that her sister's happiness depended entirely upon his regard",
            "mrs jennings was a widow with an ample jointure and a great deal of good humour",
            "he had no fortune and could not marry without the consent of his family",
            "miss dashwood assured her mother that she had never been more comfortable",
        ].map { tokenizer.encode($0) }
        let base = try model.sentenceLogProbabilities(sentences, adapters: sentences.map { _ in nil })
        let adapted = try model.sentenceLogProbabilities(sentences, adapters: sentences.map { _ in "austen" })
        let gain = zip(adapted, base).map { Double($0 - $1) }.reduce(0, +) / Double(sentences.count)
        #expect(gain > 0, "mean log-probability gain of the Austen adapter: \(gain)")
    }
}
