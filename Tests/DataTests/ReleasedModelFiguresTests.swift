import Adaptation
import Foundation
import NeuralLM
import Pretraining
import Testing

/// Pins the figures of the committed `Models/`: perplexity of the base on held-out general text and
/// Austen dev text, and of the base with the shipped Austen adapter on Austen dev text. A file that
/// regressed (a worse base or adapter committed, a truncated tensor that still loads, an adapter
/// trained on another base) moves a figure and fails here; a deliberate new release updates them
/// with the figures Docs/models-base.md publishes.
@Suite("Released model figures", .enabled(if: PreparedData.isAvailable, "needs Scripts/prepare-data"))
struct ReleasedModelFiguresTests {
    static let base = PreparedData.packageRoot.appendingPathComponent("Models/base")
    static let austen = PreparedData.packageRoot.appendingPathComponent("Models/adapters/austen-lora-r8")
    /// Sentences scored from the start of each file (held out from pretraining and adapter training).
    static let sentenceCount = 64

    /// Token perplexity (BOS … EOS per sentence) of `model` on the first sentences of `file`.
    private func perplexity(_ model: GPT2Model, on file: String) throws -> Double {
        let tokenizer = try TokenizerFile.read(from: Self.base.appendingPathComponent("tokenizer.json"))
        let lines = try PreparedData.lines(file).prefix(Self.sentenceCount)
        let framed = try PretrainingCorpus.frame(lines: lines.map { Substring($0) }, tokenizer: tokenizer)
        return try evaluatePerplexity(model: model, sentences: framed).perplexity
    }

    @Test(
        "the base and the Austen adapter keep their published perplexities",
        arguments: [
            ("general/valid.txt", false, 27.33),
            ("austen/dev.txt", false, 153.77),
            ("austen/dev.txt", true, 96.30),
        ])
    func figures(file: String, withAdapter: Bool, expected: Double) throws {
        var model = try GPT2Model(huggingFaceDirectory: Self.base)
        if withAdapter { try PEFTAdapterFiles.load(from: Self.austen, into: &model) }
        let measured = try perplexity(model, on: file)
        #expect(
            abs(measured - expected) <= 0.005 * expected,
            "\(file)\(withAdapter ? " with the Austen adapter" : ""): perplexity \(measured), published \(expected)"
        )
    }
}
