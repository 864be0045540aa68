import ArgumentParser
import Evaluation
import FirstPass
import Foundation
import NBest
import NGram
import OfflineRescoring
import RescorerServer
import Rescoring
import RescoringCore

/// `secondpass rescore`: rescores a file of N-best lists offline, with the service's engine.
///
/// The model and adapters load through the rescorer's own loader (`RescoringEngine.load`), the
/// fusion weights come from a tuning file or flags, and `OfflineRescorer` scores every list as a
/// `Rescore` stream would, so a file gives the choices and scores a replica gives. Writes the
/// rescored lists and the finals' outcome records (`secondpass eval-report --outcomes`).
struct RescoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rescore",
        abstract: "Rescore an N-best JSONL file offline with the base model or an adapter (no server).")

    @Option(help: "Base model directory (config.json, model.safetensors, tokenizer.json).")
    var model: String?

    @Option(
        help: ArgumentHelp(
            "An ARPA n-gram model ('secondpass ngram train') to score with instead of --model.",
            discussion: "Same fusion and ranking as the neural LM; --fusion reads the file's `base` entry."))
    var ngram: String?

    @Option(name: .customLong("adapter"), help: "A PEFT adapter to load, as NAME=DIRECTORY (repeatable).")
    var adapters: [String] = []

    @Option(help: "The loaded adapter that scores the lists (default: the base model alone).")
    var useAdapter: String?

    @Option(
        help: ArgumentHelp(
            "Fusion weights from a tuning file (`secondpass tune`): the --use-adapter entry, else `base`.",
            discussion: "Cannot be combined with --first-pass-weight, --lm-weight or --length-bonus."))
    var fusion: String?

    @Option(help: "Weight of the first-pass score in the fused score (default 1).")
    var firstPassWeight: Double?

    @Option(help: "Weight of the LM log-probability in the fused score (default 0.3, as lora-rescorer).")
    var lmWeight: Double?

    @Option(help: "Bonus per word in the fused score (default 1.5, as lora-rescorer).")
    var lengthBonus: Double?

    @Option(help: "N-best JSONL file to rescore (Docs/nbest-jsonl.md).")
    var nbest: String

    @Option(
        help: ArgumentHelp(
            "Hypotheses repeated within a list: reject (an error) or keep-best.",
            discussion: "Real decoders (pocketsphinx) repeat strings that differ only in fillers."))
    var duplicates: String = NBestJSONL.DuplicatePolicy.reject.rawValue

    @Option(help: "Write the rescored lists here as JSON Lines (one per input list).")
    var output: String?

    @Option(help: "Write the final lists' outcome records here as JSON Lines (for eval-report).")
    var outcomes: String?

    @Option(help: "Run name of the outcome records (default: the adapter's name, or 'base').")
    var run: String?

    @Option(help: "Condition of the outcome records.")
    var condition: String = "clean"

    @Option(help: "Bytes of LM state kept for partial lists of a session (0: score every list cold).")
    var partialStateBytes: Int = 128 << 20

    func validate() throws {
        guard (model == nil) != (ngram == nil) else {
            throw ValidationError("give exactly one of --model (the neural LM) and --ngram (an ARPA model)")
        }
        if ngram != nil, !adapters.isEmpty || useAdapter != nil {
            throw ValidationError("--adapter and --use-adapter need --model, not --ngram")
        }
        if fusion != nil, firstPassWeight != nil || lmWeight != nil || lengthBonus != nil {
            throw ValidationError(
                "--fusion cannot be combined with --first-pass-weight, --lm-weight or --length-bonus")
        }
        for (name, value) in [
            ("--first-pass-weight", firstPassWeight), ("--lm-weight", lmWeight),
            ("--length-bonus", lengthBonus),
        ] {
            if let value, !value.isFinite { throw ValidationError("\(name) must be finite, got \(value)") }
        }
        guard NBestJSONL.DuplicatePolicy(rawValue: duplicates) != nil else {
            throw ValidationError("--duplicates must be reject or keep-best, got '\(duplicates)'")
        }
        guard partialStateBytes >= 0 else {
            throw ValidationError("--partial-state-bytes must be at least 0, got \(partialStateBytes)")
        }
        if let useAdapter {
            let names = adapters.map { $0.split(separator: "=", maxSplits: 1).first.map(String.init) ?? $0 }
            guard names.contains(useAdapter) else {
                throw ValidationError("--use-adapter \(useAdapter) is not among the --adapter names")
            }
        }
    }

    func run() async throws {
        // The input and the fusion first: a bad file fails before the model loads.
        let records = try readRecords()
        let weights = try fusionWeights()
        guard let model else {
            return try rescoreWithNGram(records, weights: weights)
        }
        let sources = try adapters.map { spec throws(RescorerModelError) in try AdapterSource(parsing: spec) }
        let engine = try RescoringEngine.load(
            modelDirectory: URL(fileURLWithPath: model), adapters: sources, defaultFusion: weights)
        let rescorer = OfflineRescorer(
            engine: engine, adapter: useAdapter, run: run ?? useAdapter ?? "base", condition: condition,
            partialStateBudgetBytes: partialStateBytes)
        let progress = ProgressLine(total: records.count)
        let result = try rescorer.rescore(records) { progress.report($0) }
        if let output {
            try write(try resultLines(result.results), to: output, what: "--output")
        }
        if let outcomes {
            try write(try result.outcomes.jsonLines(), to: outcomes, what: "--outcomes")
        }
        let finals = result.results.filter { $0.kind == .final }.count
        let changed = result.results.filter { $0.kind == .final && $0.chosenIndex != 0 }.count
        let reuse =
            partialStateBytes > 0
            ? "LM positions computed \(result.computedPositions), reused \(result.reusedPositions)"
            : "partial-state reuse off"
        print(
            "rescored \(records.count) lists (\(finals) final, \(changed) with a new choice) with"
                + " \(useAdapter ?? "the base model") in \(progress.elapsedText); \(reuse)")
    }

    /// Scores every list with the ARPA model of `--ngram` through the neural LM's fusion and ranking.
    private func rescoreWithNGram(_ records: [NBestRecord], weights: ScoreFusion) throws {
        let path = ngram ?? ""
        let lm: BackoffNGramModel
        do {
            lm = try ARPAFormat.read(try readText(path))
        } catch let error as NGramError {
            throw ValidationError("--ngram \(path): \(error)")
        }
        let progress = ProgressLine(total: records.count)
        let modelID = "ngram:" + URL(fileURLWithPath: path).lastPathComponent
        var results: [RescoredRecord] = []
        var outcomeSet = OutcomeSet()
        for (index, record) in records.enumerated() {
            let rescored = lm.rescore(record.list, fusion: weights)
            results.append(RescoredRecord(rescored, reference: record.reference, modelID: modelID))
            if rescored.list.kind == .final {
                try outcomeSet.insert(
                    UtteranceOutcome(
                        run: run ?? "ngram", condition: condition, reference: record.reference,
                        firstPass: rescored.list, chosenIndex: rescored.chosenIndex ?? 0,
                        chosenText: rescored.chosenText))
            }
            progress.report(index + 1)
        }
        if let output { try write(try resultLines(results), to: output, what: "--output") }
        if let outcomes { try write(try outcomeSet.jsonLines(), to: outcomes, what: "--outcomes") }
        let finals = results.filter { $0.kind == .final }
        print(
            "rescored \(records.count) lists (\(finals.count) final, \(finals.filter { $0.chosenIndex != 0 }.count)"
                + " with a new choice) with the n-gram model \(path) in \(progress.elapsedText)")
    }

    private func readRecords() throws -> [NBestRecord] {
        guard FileManager.default.isReadableFile(atPath: nbest) else {
            throw ValidationError("--nbest \(nbest) does not exist or is unreadable")
        }
        let policy = NBestJSONL.DuplicatePolicy(rawValue: duplicates) ?? .reject
        let records = try NBestJSONL.read(contentsOfFile: nbest, duplicates: policy).records
        guard !records.isEmpty else { throw ValidationError("--nbest \(nbest) holds no N-best list") }
        return records
    }

    /// The weights of the flags, or of the tuning file's entry for the adapter in use.
    private func fusionWeights() throws -> ScoreFusion {
        guard let fusion else {
            return ScoreFusion(
                firstPassWeight: firstPassWeight ?? 1, lmWeight: lmWeight ?? 0.3,
                lengthBonus: lengthBonus ?? 1.5)
        }
        let file: TunedFusionFile
        do {
            file = try JSONDecoder().decode(
                TunedFusionFile.self, from: Data(contentsOf: URL(fileURLWithPath: fusion)))
        } catch let error as DecodingError {
            throw ValidationError("--fusion \(fusion) is not a tuning file: \(error)")
        } catch {
            throw ValidationError("cannot read --fusion \(fusion): \(error.localizedDescription)")
        }
        guard let entry = useAdapter.flatMap({ file.adapters?[$0] }) ?? file.base else {
            throw ValidationError(
                "--fusion \(fusion) has no entry for \(useAdapter.map { "adapter '\($0)' or " } ?? "")base")
        }
        let weights = ScoreFusion(
            firstPassWeight: entry.firstPassWeight, lmWeight: entry.lmWeight, lengthBonus: entry.lengthBonus)
        guard [weights.firstPassWeight, weights.lmWeight, weights.lengthBonus].allSatisfy(\.isFinite) else {
            throw ValidationError("--fusion \(fusion): the weights must be finite")
        }
        return weights
    }

    private func resultLines(_ results: [RescoredRecord]) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var data = Data()
        for result in results {
            data.append(try encoder.encode(result))
            data.append(UInt8(ascii: "\n"))
        }
        return data
    }

    private func write(_ data: Data, to path: String, what: String) throws {
        do {
            try data.write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw ValidationError("cannot write \(what) \(path): \(error.localizedDescription)")
        }
    }
}

/// The part of `secondpass tune`'s fusion file (`base`, `adapters`) that rescoring reads.
private struct TunedFusionFile: Decodable {
    struct Entry: Decodable {
        var firstPassWeight: Double
        var lmWeight: Double
        var lengthBonus: Double

        enum CodingKeys: String, CodingKey {
            case firstPassWeight = "first_pass_weight"
            case lmWeight = "lm_weight"
            case lengthBonus = "length_bonus"
        }
    }

    var base: Entry?
    var adapters: [String: Entry]?
}

/// Progress on standard error: a line at every tenth of the lists (done, rate, ETA).
private final class ProgressLine {
    let total: Int
    let started = ContinuousClock.now
    private var nextReport: Int

    init(total: Int) {
        self.total = total
        nextReport = max(1, total / 10)
    }

    var seconds: Double {
        let elapsed = ContinuousClock.now - started
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    }

    var elapsedText: String { String(format: "%.1f s", seconds) }

    func report(_ done: Int) {
        guard done >= nextReport || done == total else { return }
        nextReport = done + max(1, total / 10)
        let rate = seconds > 0 ? Double(done) / seconds : 0
        let eta = rate > 0 ? Double(total - done) / rate : 0
        let line = String(
            format: "rescored %d/%d lists (%.0f%%), %.1f lists/s, ETA %.0f s\n", done, total,
            100 * Double(done) / Double(total), rate, eta)
        FileHandle.standardError.write(Data(line.utf8))
    }
}
