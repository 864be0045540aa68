import Adaptation
import ArgumentParser
import Foundation
import NeuralLM
import Pretraining

/// `secondpass evaluate-lm`: perplexity of a Hugging Face checkpoint (optionally with a PEFT
/// adapter applied) on sentences, one per line.
///
/// Each sentence is scored on its own as `<|bos|> … <|eos|>` (as the rescorer scores hypotheses), so
/// the figure is per predicted token including EOS; the per-word figure divides the same total
/// log-likelihood by the number of words plus one (for EOS), comparable across tokenizers.
/// A sentence longer than the model's context is scored in windows of the context, advancing by
/// half of it (see `ScoringWindow`), so every token and every word counts exactly once.
struct EvaluateLMCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate-lm",
        abstract: "Report a language model's per-token and per-word perplexity on a text file.")

    @Option(help: "Model directory with config.json, model.safetensors and tokenizer.json.")
    var model: String = "Models/base"

    @Option(
        help: ArgumentHelp(
            "A PEFT adapter directory to apply to the model (trained on it).",
            discussion: "Figures are then the adapted model's: how an adapter is compared with its base."))
    var adapter: String?

    @Option(help: "Sentences to evaluate, one per line.")
    var text: String

    @Option(help: "Sentences per forward pass.")
    var batchSize: Int = 64

    func validate() throws {
        guard batchSize >= 1 else {
            throw ValidationError("--batch-size must be at least 1, got \(batchSize)")
        }
    }

    func run() throws {
        // Read and check the text before loading the model: an empty file is a mistake to report
        // at once, not after the model has loaded.
        let lines = nonEmptyLines(try readText(text))
        guard !lines.isEmpty else {
            throw ValidationError("--text \(text) holds no sentence: nothing to evaluate")
        }
        let directory = URL(fileURLWithPath: model)
        var network = try GPT2Model(huggingFaceDirectory: directory)
        if let adapter {
            try PEFTAdapterFiles.load(from: URL(fileURLWithPath: adapter), into: &network)
        }
        let tokenizer = try TokenizerFile.read(from: directory.appendingPathComponent("tokenizer.json"))
        let sentences = try PretrainingCorpus.frame(lines: lines.map { Substring($0) }, tokenizer: tokenizer)
        let context = network.config.nPositions
        let windowed = sentences.filter { $0.count > context }.count
        let started = ContinuousClock.now
        let (perplexity, tokens) = try evaluatePerplexity(
            model: network, sentences: sentences, batchSize: batchSize)
        let words = lines.reduce(0) { $0 + $1.split(separator: " ").count } + lines.count
        let wordPerplexity = exp(log(perplexity) * Double(tokens) / Double(words))
        Console.line(
            String(
                format:
                    "%@: %d sentences, %d predicted tokens, %d words+EOS; token perplexity %.2f; word perplexity %.2f",
                text, sentences.count, tokens, words, perplexity, wordPerplexity))
        if windowed > 0 {
            Console.line(
                "note: \(windowed) sentences longer than \(context) tokens were scored in windows of \(context) tokens"
                    + " advancing by \(ScoringWindow.stride(context: context))")
        }
        Console.line("evaluated in \(ContinuousClock.now - started)")
    }
}
