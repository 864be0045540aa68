import ArgumentParser
import FirstPass
import Foundation

/// `secondpass bench-sim`: simulated utterances per second (use a release build).
struct BenchSimCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-sim",
        abstract: "Measure first-pass simulation throughput (utterances/s) on a reference file.")

    @Option(name: .shortAndLong, help: "Reference text file, one sentence per line.")
    var input: String

    @Option(help: "Utterances simulated per run (references are cycled).")
    var count: Int = 2000

    @Option(help: "Timed runs (after one warm-up run); the median is reported.")
    var runs: Int = 5

    @Flag(help: "Print the figures as one JSON object instead of text.")
    var json = false

    @OptionGroup var simulator: SimulatorOptions
    @OptionGroup var model: PhoneticModelOptions

    func validate() throws {
        guard count >= 1 else { throw ValidationError("--count must be at least 1, got \(count)") }
        guard runs >= 1 else { throw ValidationError("--runs must be at least 1, got \(runs)") }
    }

    func run() throws {
        let text = try readText(input)
        let references = nonEmptyLines(text)
        guard !references.isEmpty else {
            throw ValidationError("--input \(input) holds no reference sentence")
        }
        let loadStart = ContinuousClock.now
        let parameters = try simulator.resolved()
        let confusionModel = try model.loadModel(fallbackText: text, parameters: parameters)
        let engine = try NBestSimulator(model: confusionModel, parameters: parameters, seed: simulator.seed)
        let loadTime = ContinuousClock.now - loadStart
        if !json { print("model load: \(loadTime)") }
        var rates: [Double] = []
        var words = 0
        for run in 0...runs {
            let start = ContinuousClock.now
            for index in 0..<count {
                let record = engine.simulate(
                    reference: references[index % references.count], utteranceID: "bench-\(run)-\(index)")
                if run == 0 { words += record.reference.split(separator: " ").count }
            }
            let elapsed = ContinuousClock.now - start
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
            // Run 0 warms the per-word confusion cache and is not reported.
            if run > 0 { rates.append(Double(count) / seconds) }
        }
        rates.sort()
        if json {
            let figures: [String: Double] = [
                "utterances_per_second_median": rates[rates.count / 2], "utterances_per_second_min": rates[0],
                "utterances_per_second_max": rates[rates.count - 1], "runs": Double(runs),
                "count": Double(count),
                "words_per_utterance": Double(words) / Double(count),
                "list_size": Double(parameters.listSize),
                "model_load_seconds": Double(loadTime.components.seconds)
                    + Double(loadTime.components.attoseconds) * 1e-18,
            ]
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            print(String(decoding: try encoder.encode(figures), as: UTF8.self))
            return
        }
        print(
            String(
                format:
                    "simulated utterances/s: median %.0f (min %.0f, max %.0f) over %d runs of %d utterances, %.1f words/utterance, N=%d",
                rates[rates.count / 2], rates.first!, rates.last!, runs, count, Double(words) / Double(count),
                parameters.listSize))
    }
}
