import ArgumentParser
import Foundation
import NGram
import SeededRandom

/// `secondpass ngram`: the interpolated Kneser-Ney baseline (train to ARPA, measure perplexity).
struct NGramCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ngram",
        abstract: "Train an interpolated Kneser-Ney n-gram model (ARPA) and measure its perplexity.",
        subcommands: [NGramTrainCommand.self, NGramPerplexityCommand.self])
}

/// `secondpass ngram train`: sentences in, ARPA file out.
struct NGramTrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train an interpolated modified Kneser-Ney model on sentences, one per line; write ARPA.")

    @Option(help: "Training sentences, one per line, in ASR form (e.g. Data/austen/train.txt).")
    var text: String

    @Option(name: .shortAndLong, help: "ARPA file to write.")
    var output: String

    @Option(help: "Model order, 1 to 3.")
    var order: Int = 3

    @Option(help: "Words seen fewer times become <unk> (1 keeps every training word).")
    var minCount: Int = 1

    @Flag(
        help: ArgumentHelp(
            "Use discounts 0.5/1/1.5 for an order whose discounts cannot be estimated (as KenLM's).",
            discussion: "Without it, too little text for an estimate is an error."))
    var discountFallback = false

    func validate() throws {
        guard (1...BackoffNGramModel.maximumOrder).contains(order) else {
            throw ValidationError("--order must be 1 to \(BackoffNGramModel.maximumOrder), got \(order)")
        }
        guard minCount >= 1 else { throw ValidationError("--min-count must be at least 1, got \(minCount)") }
    }

    func run() throws {
        let lines = nonEmptyLines(try readText(text))
        guard !lines.isEmpty else { throw ValidationError("--text \(text) holds no sentence") }
        let (model, statistics) = try KneserNey.train(
            sentences: lines,
            configuration: .init(
                order: order, minimumWordCount: minCount,
                fallbackDiscounts: discountFallback ? KneserNey.Configuration.kenLMFallback : nil))
        do {
            try ARPAFormat.write(model).write(toFile: output, atomically: true, encoding: .utf8)
        } catch {
            throw ValidationError("cannot write --output \(output): \(error.localizedDescription)")
        }
        let discounts = statistics.discounts.enumerated().map { index, d in
            String(format: "D%d = %.3f/%.3f/%.3f", index + 1, d.one, d.two, d.threeOrMore)
        }
        Console.line(
            "\(output): order \(order), \(statistics.sentences) sentences, \(statistics.words) words"
                + " (\(statistics.unknownWords) as <unk>), vocabulary \(model.vocabulary.count),"
                + " n-grams \(model.counts.map(String.init).joined(separator: "/")); "
                + discounts.joined(separator: ", ")
                + (statistics.fallbackOrders.isEmpty
                    ? ""
                    : " (fallback for orders \(statistics.fallbackOrders.map(String.init).joined(separator: ", ")))")
        )
    }
}

/// `secondpass ngram perplexity`: per-word perplexity of an ARPA model on sentences.
struct NGramPerplexityCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "perplexity",
        abstract: "Per-word perplexity (</s> counted as a word, unknown words as <unk>) of an ARPA model.")

    @Option(help: "ARPA model (e.g. from 'secondpass ngram train').")
    var model: String

    @Option(help: "Sentences to score, one per line.")
    var text: String

    @Option(help: "Score a seeded sample of this many sentences instead of all of them.")
    var sample: Int?

    @Option(help: "Seed of --sample.")
    var seed: UInt64 = 0

    func validate() throws {
        if let sample, sample < 1 { throw ValidationError("--sample must be at least 1, got \(sample)") }
    }

    func run() throws {
        var lines = nonEmptyLines(try readText(text))
        guard !lines.isEmpty else { throw ValidationError("--text \(text) holds no sentence") }
        if let sample {
            guard sample <= lines.count else {
                throw ValidationError(
                    "--sample \(sample) is more than the \(lines.count) sentences of \(text)")
            }
            lines = Self.sample(lines, count: sample, seed: seed)
        }
        let lm: BackoffNGramModel
        do {
            lm = try ARPAFormat.read(try readText(model))
        } catch let error as NGramError {
            throw ValidationError("--model \(model): \(error)")
        }
        var total = PerplexityAccumulator()
        for line in lines { total.add(lm.score(sentence: line)) }
        Console.line(
            String(
                format:
                    "%@: %d sentences, %d words (%d unknown), %d words+</s>; log10 P %.2f; word perplexity %.2f",
                text, total.sentences, total.words, total.unknownWords, total.words + total.sentences,
                total.log10Probability, total.perplexity ?? .nan))
    }

    /// `count` lines drawn without replacement (a seeded partial Fisher-Yates), in file order.
    static func sample(_ lines: [String], count: Int, seed: UInt64) -> [String] {
        var generator = SplitMix64(seed: seed)
        var indices = Array(lines.indices)
        for position in 0..<count {
            indices.swapAt(position, position + generator.next(below: indices.count - position))
        }
        return indices[0..<count].sorted().map { lines[$0] }
    }
}
