import ArgumentParser
import Evaluation
import Foundation
import SeededRandom

/// `secondpass bench-eval`: alignment throughput and corpus-WER time, against jiwer in the same run.
///
/// Generates a seeded synthetic corpus (reference sentences from a pseudo-word vocabulary,
/// hypotheses with about 8% substitutions, 4% deletions and 4% insertions), times our scorer,
/// then hands the same texts to jiwer 4 in the project's venv and reports the ratio. Build in
/// release (`swift build -c release`) before quoting figures.
struct BenchEvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-eval",
        abstract: "Benchmark WER alignment against jiwer on a seeded synthetic corpus.")

    @Option(help: "Number of utterances in the corpus.")
    var utterances = 10_000

    @Option(help: "Words per reference utterance.")
    var words = 20

    @Option(help: "Timed runs of each figure; the median is reported.")
    var runs = 7

    @Option(help: "Seed of the corpus generator.")
    var seed: UInt64 = 1

    @Option(
        help: "Python with jiwer installed (default: $SECONDPASS_VENV/bin/python, else ./.venv/bin/python).")
    var python: String?

    @Flag(help: "Skip the jiwer peer.")
    var noPeer = false

    @Flag(help: "Print the figures as one JSON object instead of text.")
    var json = false

    func validate() throws {
        for (flag, value) in [("--utterances", utterances), ("--words", words), ("--runs", runs)]
        where value < 1 {
            throw ValidationError("\(flag) must be at least 1, got \(value)")
        }
    }

    /// Every figure of one invocation (seconds are medians over `runs`).
    private struct Figures: Encodable {
        var utterances: Int
        var words: Int
        var runs: Int
        var seed: UInt64
        var substitutions: Int
        var deletions: Int
        var insertions: Int
        var hits: Int
        var wordErrorRate: Double
        var alignmentsPerSecond: Double
        var alignmentSeconds: Double
        var corpusWERSeconds: Double
        var normalizedCorpusWERSeconds: Double
        var robustnessReportSeconds: Double
        var jiwer: PeerResult?
        var jiwerCountsAgree: Bool?
        var speedUpOverJiwer: Double?
    }

    func run() throws {
        let (references, hypotheses) = makeCorpus()
        let pairs = zip(references, hypotheses).enumerated().map {
            ScoringPair(utteranceID: "u\($0.offset)", reference: $0.element.0, hypothesis: $0.element.1)
        }
        // Alignment throughput on interned ids: the kernel alone.
        var interner = WordInterner()
        let ids = pairs.map { (interner.ids(ofText: $0.reference), interner.ids(ofText: $0.hypothesis)) }
        var checksum = 0
        let alignSeconds = median(
            (0..<runs).map { _ in
                var aligner = WordAligner()
                return time {
                    for (r, h) in ids { checksum &+= aligner.counts(reference: r, hypothesis: h).errors }
                }
            })
        // Corpus WER from raw strings (split, intern, align, sum), as jiwer.process_words does.
        var result = CorpusResult(normalizer: .identity, utterances: [], summary: .init(scores: []))
        let corpusSeconds = median(
            (0..<runs).map { _ in
                var scorer = CorpusScorer(normalizer: .identity)
                return time { result = scorer.score(pairs) }
            })
        let normalizedSeconds = median(
            (0..<runs).map { _ in
                var scorer = CorpusScorer(normalizer: .standard)
                return time { _ = scorer.score(pairs) }
            })
        let counts = result.summary.counts
        var figures = Figures(
            utterances: utterances, words: words, runs: runs, seed: seed, substitutions: counts.substitutions,
            deletions: counts.deletions, insertions: counts.insertions, hits: counts.correct,
            wordErrorRate: result.summary.wordErrorRate ?? .nan,
            alignmentsPerSecond: Double(pairs.count) / alignSeconds, alignmentSeconds: alignSeconds,
            corpusWERSeconds: corpusSeconds, normalizedCorpusWERSeconds: normalizedSeconds,
            robustnessReportSeconds: try timeRobustnessReport(references: references, hypotheses: hypotheses))
        if !noPeer {
            let peer = try runJiwer(references: references, hypotheses: hypotheses)
            figures.jiwer = peer
            figures.jiwerCountsAgree =
                peer.substitutions == counts.substitutions && peer.deletions == counts.deletions
                && peer.insertions == counts.insertions && peer.hits == counts.correct
            figures.speedUpOverJiwer = peer.seconds / corpusSeconds
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            print(String(decoding: try encoder.encode(figures), as: UTF8.self))
        } else {
            printText(figures, checksum: checksum)
        }
        if figures.jiwerCountsAgree == false { throw ExitCode.failure }
    }

    private func printText(_ figures: Figures, checksum: Int) {
        print("corpus: \(utterances) utterances x \(words) words, seed \(seed) (checksum \(checksum))")
        print(
            "ours: S=\(figures.substitutions) D=\(figures.deletions) I=\(figures.insertions) H=\(figures.hits) "
                + "WER=\(String(format: "%.6f", figures.wordErrorRate))")
        print(
            String(
                format: "alignment kernel: %.0f alignments/s (%.2f ms per corpus)",
                figures.alignmentsPerSecond, figures.alignmentSeconds * 1000))
        print(String(format: "corpus WER from strings: %.2f ms", figures.corpusWERSeconds * 1000))
        print(
            String(
                format: "corpus WER with standard normalisation: %.2f ms",
                figures.normalizedCorpusWERSeconds * 1000))
        print(
            String(
                format: "robustness report (2 conditions, B = 1000 paired bootstrap, 8 figures): %.2f ms",
                figures.robustnessReportSeconds * 1000))
        guard let peer = figures.jiwer, let agree = figures.jiwerCountsAgree,
            let speedUp = figures.speedUpOverJiwer
        else { return }
        print(
            "jiwer \(peer.version): S=\(peer.substitutions) D=\(peer.deletions) I=\(peer.insertions) H=\(peer.hits) "
                + "WER=\(String(format: "%.6f", peer.wer)) (counts agree: \(agree ? "yes" : "NO"))")
        print(String(format: "jiwer.process_words corpus WER: %.2f ms", peer.seconds * 1000))
        print(String(format: "speed-up over jiwer (corpus WER from strings): %.1fx", speedUp))
    }

    /// Times a clean-vs-perturbed robustness report over the corpus (the aggregator's heaviest call).
    ///
    /// Clean lists are [hypothesis, reference]; perturbed lists swap one word of the hypothesis.
    private func timeRobustnessReport(references: [String], hypotheses: [String]) throws -> Double {
        var outcomes = OutcomeSet()
        for (index, (reference, hypothesis)) in zip(references, hypotheses).enumerated() {
            let chosen = index % 3 == 0 ? 1 : 0
            for (condition, first) in [("clean", hypothesis), ("perturbed", "uh " + hypothesis)] {
                let list = [first, reference]
                try outcomes.insert(
                    UtteranceOutcome(
                        run: "bench", condition: condition, utteranceID: "u\(index)", reference: reference,
                        firstPassTexts: list, chosenIndex: chosen, chosenText: list[chosen]))
            }
        }
        let builder = ReportBuilder(bootstrap: BootstrapSettings(resamples: 1000))
        let comparison = PerturbationComparison(
            kind: .nBest(probability: 0.1), perturbedCondition: "perturbed")
        return median(
            try (0..<max(1, runs / 2)).map { _ in
                var failure: Error?
                let seconds = time {
                    do {
                        _ = try builder.robustnessReport(outcomes, run: "bench", comparisons: [comparison])
                    } catch {
                        failure = error
                    }
                }
                if let failure { throw failure }
                return seconds
            })
    }

    /// Seeded references and noisy hypotheses.
    private func makeCorpus() -> ([String], [String]) {
        var generator = SplitMix64(seed: seed)
        let onsets = ["b", "d", "f", "g", "k", "l", "m", "n", "p", "r", "s", "t", "w", "th", "sh", "st"]
        let vowels = ["a", "e", "i", "o", "u", "ea", "ou"]
        let codas = ["", "n", "t", "s", "nd", "rk", "ll"]
        var vocabulary: [String] = []
        for onset in onsets {
            for vowel in vowels {
                for coda in codas { vocabulary.append(onset + vowel + coda) }
            }
        }
        var references: [String] = []
        var hypotheses: [String] = []
        for _ in 0..<utterances {
            let reference = (0..<words).map { _ in vocabulary[generator.next(below: vocabulary.count)] }
            var hypothesis: [String] = []
            for word in reference {
                let roll = generator.next(below: 100)
                if roll < 8 {
                    hypothesis.append(vocabulary[generator.next(below: vocabulary.count)])
                } else if roll >= 12 {
                    hypothesis.append(word)
                }
                if generator.next(below: 100) < 4 {
                    hypothesis.append(vocabulary[generator.next(below: vocabulary.count)])
                }
            }
            references.append(reference.joined(separator: " "))
            hypotheses.append(hypothesis.joined(separator: " "))
        }
        return (references, hypotheses)
    }

    private struct PeerResult: Codable {
        var version: String
        var seconds: Double
        var wer: Double
        var hits: Int
        var substitutions: Int
        var deletions: Int
        var insertions: Int
    }

    /// Times jiwer.process_words on the same texts (median of the same number of runs).
    private func runJiwer(references: [String], hypotheses: [String]) throws -> PeerResult {
        let environment = ProcessInfo.processInfo.environment
        let executable =
            python
            ?? environment["SECONDPASS_VENV"].map { $0 + "/bin/python" }
            ?? FileManager.default.currentDirectoryPath + "/.venv/bin/python"
        let input = FileManager.default.temporaryDirectory.appendingPathComponent(
            "bench-eval-\(ProcessInfo.processInfo.processIdentifier).json")
        try JSONEncoder().encode([references, hypotheses]).write(to: input)
        defer { try? FileManager.default.removeItem(at: input) }
        let script = """
            import json, statistics, sys, time
            from importlib.metadata import version
            import jiwer
            refs, hyps = json.load(open(sys.argv[1]))
            times = []
            for _ in range(int(sys.argv[2])):
                start = time.perf_counter()
                out = jiwer.process_words(refs, hyps)
                times.append(time.perf_counter() - start)
            json.dump({"version": version("jiwer"), "seconds": statistics.median(times), "wer": out.wer,
                       "hits": out.hits, "substitutions": out.substitutions, "deletions": out.deletions,
                       "insertions": out.insertions}, sys.stdout)
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["-c", script, input.path, "\(runs)"]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ValidationError(
                "jiwer peer (\(executable)) exited with status \(process.terminationStatus)")
        }
        return try JSONDecoder().decode(PeerResult.self, from: data)
    }

    private func time(_ body: () -> Void) -> Double {
        let start = ContinuousClock.now
        body()
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    }

    private func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }
}
