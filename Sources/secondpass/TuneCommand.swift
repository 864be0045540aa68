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

/// `secondpass tune`: fusion weights per adapter that minimise WER on a development N-best set,
/// written as the tuning file `lora-rescorer --fusion` reads.
///
/// Each list is scored by the LM once per adapter (the same engine and batching as the service);
/// the search then only re-ranks stored scores (`FusionTuner`), so a grid of hundreds of points
/// costs no more LM time than one pass.
struct TuneCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tune",
        abstract:
            "Tune fusion weights (first-pass, LM, length bonus) per adapter on a development N-best set.",
        discussion: """
            Writes JSON keyed by adapter name (and 'base' for the model alone) with the weights and the \
            development WER before (with the starting weights) and after; pass it to \
            'lora-rescorer serve --fusion FILE'. The search keeps the starting weights unless a \
            candidate is strictly better, so the development WER never gets worse.
            """)

    @Option(help: "Base model directory (config.json, model.safetensors, tokenizer.json).")
    var model: String?

    @Option(
        help: ArgumentHelp(
            "An ARPA n-gram model to tune instead of --model.",
            discussion: "Its weights are written as the file's `base` entry ('secondpass rescore --ngram')."))
    var ngram: String?

    @Option(
        name: .customLong("adapter"),
        help: "A PEFT LoRA adapter to tune weights for, as NAME=DIRECTORY (repeatable).")
    var adapters: [String] = []

    @Option(help: "Development set: N-best JSONL with references (Docs/nbest-jsonl.md).")
    var nbest: String

    @Option(name: .shortAndLong, help: "Tuning file to write (JSON).")
    var output: String

    @Option(help: "Search method: grid (every combination) or line (coordinate descent from the start).")
    var method: String = FusionTuner.Method.grid.rawValue

    @Flag(name: .customLong("no-base"), help: "Tune only the adapters, not the base model alone.")
    var skipBase = false

    @Option(name: .customLong("start-lm-weight"), help: "Starting LM weight (lora-rescorer's default).")
    var startLMWeight = 0.3

    @Option(
        name: .customLong("start-length-bonus"),
        help: "Starting length bonus per word (lora-rescorer's default).")
    var startLengthBonus = 1.5

    @Option(
        help: ArgumentHelp(
            "Candidate grid: standard (LM weight 0–1.5, length bonus −1–3) or wide (LM weight 0–20, bonus −12–12).",
            discussion: """
                standard suits simulated lists; real decoder lists, whose first-pass totals are \
                acoustic log-likelihoods, need wide. The three flags below replace one dimension of it.
                """))
    var grid = "standard"

    @Option(
        name: .customLong("lm-weights"), help: "Candidate LM weights as FROM:TO:STEP (replaces the grid's).")
    var lmWeights: String?

    @Option(
        name: .customLong("length-bonuses"),
        help: "Candidate length bonuses as FROM:TO:STEP (replaces the grid's).")
    var lengthBonuses: String?

    @Option(
        name: .customLong("first-pass-weights"),
        help:
            "Candidate first-pass weights as FROM:TO:STEP (only ratios matter, so the grid's 1 alone suffices)."
    )
    var firstPassWeights: String?

    func validate() throws {
        guard (model == nil) != (ngram == nil) else {
            throw ValidationError("give exactly one of --model (the neural LM) and --ngram (an ARPA model)")
        }
        if ngram != nil, !adapters.isEmpty || skipBase {
            throw ValidationError("--adapter and --no-base need --model, not --ngram")
        }
        guard FusionTuner.Method(rawValue: method) != nil else {
            throw ValidationError("--method must be grid or line, not '\(method)'")
        }
        _ = try searchSpace()
        guard startLMWeight.isFinite, startLengthBonus.isFinite else {
            throw ValidationError("--start-lm-weight and --start-length-bonus must be finite")
        }
        guard !skipBase || !adapters.isEmpty else {
            throw ValidationError("--no-base leaves nothing to tune: give at least one --adapter")
        }
    }

    /// The values FROM, FROM+STEP, … up to TO (at most 10,000 of them).
    static func range(_ text: String, flag: String) throws -> [Double] {
        let parts = text.split(separator: ":").map { Double($0) }
        guard parts.count == 3, let from = parts[0], let to = parts[1], let step = parts[2],
            [from, to, step].allSatisfy(\.isFinite), step > 0, to >= from, (to - from) / step < 10_000
        else {
            throw ValidationError("\(flag) takes FROM:TO:STEP with FROM ≤ TO and STEP > 0, not '\(text)'")
        }
        let count = Int(((to - from) / step + 1e-9).rounded(.down))
        return (0...count).map { from + Double($0) * step }
    }

    /// The named grid with any dimension the flags replace.
    func searchSpace() throws -> FusionTuner.SearchSpace {
        guard var space = FusionTuner.SearchSpace.named.first(where: { $0.name == grid })?.space else {
            let names = FusionTuner.SearchSpace.named.map(\.name).joined(separator: " or ")
            throw ValidationError("--grid must be \(names), not '\(grid)'")
        }
        if let lmWeights { space.lmWeights = try Self.range(lmWeights, flag: "--lm-weights") }
        if let lengthBonuses { space.lengthBonuses = try Self.range(lengthBonuses, flag: "--length-bonuses") }
        if let firstPassWeights {
            space.firstPassWeights = try Self.range(firstPassWeights, flag: "--first-pass-weights")
        }
        return space
    }

    func run() async throws {
        guard let method = FusionTuner.Method(rawValue: method) else { throw ValidationError("bad --method") }
        let space = try searchSpace()
        let records = try NBestJSONL.read(contentsOfFile: nbest).records
        guard !records.isEmpty else { throw ValidationError("--nbest \(nbest) holds no N-best list") }
        let sources = try adapters.map { spec throws(RescorerModelError) in try AdapterSource(parsing: spec) }
        let start = ScoreFusion(firstPassWeight: 1, lmWeight: startLMWeight, lengthBonus: startLengthBonus)

        var file = FusionTuningFile(devSet: nbest, method: method.rawValue)
        let names: [String?] = (skipBase ? [] : [nil]) + sources.map(\.name)
        // One way to score a list per name: the n-gram model, or the engine with that adapter.
        let scoreLists: (String?) throws -> [RescoredList]
        if let ngram {
            let lm: BackoffNGramModel
            do {
                lm = try ARPAFormat.read(try readText(ngram))
            } catch let error as NGramError {
                throw ValidationError("--ngram \(ngram): \(error)")
            }
            scoreLists = { _ in records.map { lm.rescore($0.list, fusion: start) } }
        } else {
            let engine = try RescoringEngine.load(
                modelDirectory: URL(fileURLWithPath: model ?? ""), adapters: sources, defaultFusion: start)
            scoreLists = { name in try DevelopmentTuning.rescored(records, engine: engine, adapter: name) }
        }
        for name in names {
            let utterances = DevelopmentTuning.utterances(records: records, rescored: try scoreLists(name))
            let outcome = FusionTuner.search(utterances, start: start, space: space, method: method)
            let entry = FusionTuningFile.Entry(
                fusion: outcome.best, devWERBefore: outcome.startWER, devWERAfter: outcome.bestWER,
                utterances: utterances.count)
            if let name { file.adapters[name] = entry } else { file.base = entry }
            print(
                "\(name ?? "base"): lm weight \(outcome.best.lmWeight), length bonus \(outcome.best.lengthBonus),"
                    + " first-pass weight \(outcome.best.firstPassWeight); dev WER"
                    + " \(Self.percent(outcome.startWER)) → \(Self.percent(outcome.bestWER))"
                    + " (\(outcome.evaluations) weightings, \(utterances.count) utterances)")
            for edge in space.edges(of: outcome.best) {
                Console.warning(
                    "\(name ?? "base"): \(edge.value) is the grid's outermost --\(edge.dimension) candidate;"
                        + " the best weights may lie beyond it (widen the range)")
            }
        }
        do {
            try file.write(to: URL(fileURLWithPath: output))
        } catch {
            throw ValidationError("cannot write \(output): \(error.localizedDescription)")
        }
        print("wrote \(output)")
    }

    static func percent(_ rate: Double?) -> String {
        rate.map { String(format: "%.2f%%", $0 * 100) } ?? "n/a"
    }
}
