import ArgumentParser
import Foundation
import NeuralLM

/// `secondpass train-tokenizer`: learns a byte-level BPE vocabulary and writes `tokenizer.json`.
///
/// Reads only the corpus given (by default the general training split), never a test region.
struct TrainTokenizerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train-tokenizer",
        abstract: "Train a byte-level BPE tokenizer and save it as a Hugging Face tokenizer.json.")

    @Option(help: "Training text, one sentence per line (never a test split).")
    var corpus: String = "Data/general/train.txt"

    @Option(help: "Total vocabulary size: 4 special tokens + 256 bytes + merges.")
    var vocabSize: Int = 6000

    @Option(help: "Pairs seen fewer times than this are not merged.")
    var minPairCount: Int = 2

    @Flag(
        inversion: .prefixedNo,
        help: "Prepend a space to each text so a sentence's first word is spelled like the others.")
    var prefixSpace = true

    @Option(help: "Where to write tokenizer.json.")
    var output: String = "tokenizer.json"

    func run() throws {
        let started = ContinuousClock.now
        let text: String
        do {
            text = try String(contentsOfFile: corpus, encoding: .utf8)
        } catch {
            throw ValidationError("cannot read corpus \(corpus): \(error.localizedDescription)")
        }
        let lines = text.split(separator: "\n").map(String.init)
        guard lines.contains(where: { !$0.allSatisfy(\.isWhitespace) }) else {
            throw ValidationError("--corpus \(corpus) holds no text to train on")
        }
        let trainer = try BPETrainer(
            vocabularySize: vocabSize, minimumPairCount: minPairCount,
            preTokenizer: ByteLevelPreTokenizer(addPrefixSpace: prefixSpace))
        let counts = trainer.pieceCounts(lines)
        let counted = ContinuousClock.now
        let tokenizer = try trainer.train(pieceCounts: counts)
        let trained = ContinuousClock.now
        try TokenizerFile.write(tokenizer, to: URL(fileURLWithPath: output))
        let words = counts.values.reduce(0, +)
        var tokens = 0
        for (piece, count) in counts {
            tokens += tokenizer.encodePieceCount(piece) * count
        }
        print(
            """
            corpus \(corpus): \(lines.count) lines, \(words) pieces (\(counts.count) distinct), counted in \(counted - started)
            trained \(tokenizer.merges.count) merges, vocabulary \(tokenizer.vocabularySize), in \(trained - counted)
            \(String(format: "%.3f", Double(tokens) / Double(max(words, 1)))) tokens per piece on the training corpus
            wrote \(output)
            """)
    }
}
