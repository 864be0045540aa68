import Adaptation
import Foundation
import NeuralLM
import Pretraining
import SecondPassTestSupport
import Testing

/// `evaluate-lm --adapter` reports the adapted model's perplexity: how the shipped adapter is
/// compared with its base and with the trigram (Docs/models-base.md, Docs/results.md).
@Suite("Perplexity with an adapter")
struct AdapterPerplexityTests {
    static let root = PythonPeer.packageRoot
    static let base = root.appendingPathComponent("Models/base")
    static let adapter = root.appendingPathComponent("Models/adapters/austen-lora-r8")
    static let sentences = [
        "it is a truth universally acknowledged that a single man in possession of a good fortune",
        "she was not in the habit of giving her opinion",
        "elinor could not be surprised at their attachment",
    ]

    @Test(
        "the figure is the base with the adapter attached, computed in process, and differs from the base's")
    func adaptedFigure() async throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let text = folder.appendingPathComponent("austen.txt")
        try (Self.sentences.joined(separator: "\n") + "\n").write(to: text, atomically: true, encoding: .utf8)

        var model = try GPT2Model(huggingFaceDirectory: Self.base)
        let tokenizer = try TokenizerFile.read(from: Self.base.appendingPathComponent("tokenizer.json"))
        let framed = try PretrainingCorpus.frame(
            lines: Self.sentences.map { Substring($0) }, tokenizer: tokenizer)
        let plain = try evaluatePerplexity(model: model, sentences: framed).perplexity
        try PEFTAdapterFiles.load(from: Self.adapter, into: &model)
        let adapted = try evaluatePerplexity(model: model, sentences: framed).perplexity

        let withAdapter = try await CLI.run([
            "evaluate-lm", "--model", Self.base.path, "--adapter", Self.adapter.path, "--text", text.path,
        ])
        #expect(withAdapter.status == 0, "\(withAdapter.errorText)")
        let reported = try #require(CLI.figure(named: "token perplexity", in: withAdapter.outputText))
        #expect(abs(reported - adapted) <= 0.005 + 1e-4 * adapted, "\(reported) vs \(adapted)")
        #expect(abs(adapted - plain) > 0.01 * plain, "the adapter changed nothing: \(adapted) vs \(plain)")
    }

    @Test("a missing adapter folder is one error line naming it, and a non-zero exit")
    func missingAdapter() async throws {
        let result = try await CLI.run([
            "evaluate-lm", "--model", Self.base.path, "--adapter", "/nonexistent/adapter", "--text",
            CLI.fixture("corpus.txt"),
        ])
        #expect(result.status != 0)
        let lines = CLI.errorLines(result)
        #expect(lines.count == 1 && lines[0].contains("/nonexistent/adapter"), "\(result.errorText)")
    }
}
