import Foundation
import NeuralLM
import SecondPassTestSupport
import Testing

@testable import Pretraining

/// `evaluate-lm` on text longer than the model's context scores every token once, in windows.
///
/// Before, tokens past the context were dropped but every word still divided the log-likelihood,
/// so a 5,000-word line came out at a word perplexity of 1.14.
@Suite("Perplexity of text longer than the context")
struct LongTextPerplexityTests {
    @Test(
        "windows predict every token after the first exactly once, each from enough context",
        arguments: [2, 3, 16], [1, 2, 5, 16, 17, 40, 101])
    func windowsCoverEveryToken(context: Int, length: Int) {
        let sequence = Array(100..<(100 + length))
        let windows = ScoringWindow.windows(of: sequence, context: context)
        let stride = ScoringWindow.stride(context: context)
        var predicted: [Int] = []
        var start = 0
        for window in windows {
            #expect(window.tokens.count <= context)
            #expect(Array(sequence[start..<(start + window.tokens.count)]) == window.tokens)
            for j in window.firstScored..<max(window.firstScored, window.tokens.count - 1) {
                let target = start + j + 1
                predicted.append(target)
                // Context seen by the prediction: every earlier token of the window.
                #expect(j + 1 >= min(target, context - stride))
            }
            start += stride
        }
        #expect(predicted == Array(1..<max(1, length)))
    }

    /// A small random model (context 16) with the released tokenizer, saved like a real one.
    private func makeModel(in folder: URL) throws -> (GPT2Model, BPETokenizer) {
        let tokenizerFile = PythonPeer.packageRoot.appendingPathComponent("Models/base/tokenizer.json")
        let tokenizer = try TokenizerFile.read(from: tokenizerFile)
        let config = GPT2Config(
            vocabSize: tokenizer.vocabularySize, nPositions: 16, nEmbd: 16, nLayer: 1, nHead: 2,
            bosTokenId: try #require(tokenizer.id(of: .bos)),
            eosTokenId: try #require(tokenizer.id(of: .eos)),
            initializerRange: 0.3)
        let model = try GPT2Model(config: config, seed: 11)
        try model.save(huggingFaceDirectory: folder)
        try FileManager.default.copyItem(
            at: tokenizerFile, to: folder.appendingPathComponent("tokenizer.json"))
        return (model, tokenizer)
    }

    @Test("the per-word figure matches scoring each token from its window, and is not absurdly low")
    func longLine() async throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let (model, tokenizer) = try makeModel(in: folder)
        let line = Array(repeating: "it is a truth universally acknowledged that a single man", count: 6)
            .joined(separator: " ")
        let text = folder.appendingPathComponent("long.txt")
        try (line + "\n").write(to: text, atomically: true, encoding: .utf8)

        // Independent computation: token i is predicted from the tokens of its window before it.
        let tokens = try tokenizer.encodeSentence(line)
        let context = model.config.nPositions
        let stride = ScoringWindow.stride(context: context)
        try #require(tokens.count > 3 * context)
        var logLikelihood = 0.0
        for i in 1..<tokens.count {
            let start = i < context ? 0 : ((i - context) / stride + 1) * stride
            let row = try #require(
                try model.nextTokenLogProbabilities(TokenBatch(sequences: [Array(tokens[start...i])])).first)
            logLikelihood += Double(try #require(row.last))
        }
        let words = line.split(separator: " ").count + 1
        let expectedWord = exp(-logLikelihood / Double(words))
        let expectedToken = exp(-logLikelihood / Double(tokens.count - 1))

        let result = try await CLI.run(["evaluate-lm", "--model", folder.path, "--text", text.path])
        #expect(result.status == 0, "\(result.errorText)")
        let output = result.outputText
        #expect(output.contains("\(tokens.count - 1) predicted tokens, \(words) words+EOS"), "\(output)")
        #expect(output.contains("scored in windows of \(context) tokens advancing by \(stride)"), "\(output)")
        let word = try #require(CLI.figure(named: "word perplexity", in: output))
        let token = try #require(CLI.figure(named: "token perplexity", in: output))
        #expect(abs(word - expectedWord) <= 0.005 + 1e-4 * expectedWord, "\(word) vs \(expectedWord)")
        #expect(abs(token - expectedToken) <= 0.005 + 1e-4 * expectedToken, "\(token) vs \(expectedToken)")
        // Fewer words than tokens: a word is at least as hard to predict as a token.
        #expect(word >= token)
    }
}
