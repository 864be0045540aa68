import ArgumentParser
import FirstPass
import Foundation

/// `secondpass simulate`: reference sentences in, simulated first-pass N-best JSONL out.
struct SimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Simulate first-pass N-best lists for reference sentences (one per line) as N-best JSONL.")

    @Option(name: .shortAndLong, help: "Reference text file, one sentence per line.")
    var input: String

    @Option(name: .shortAndLong, help: "Output JSONL file (default: standard output).")
    var output: String?

    @Flag(help: "Also emit the streaming partial lists before each final list.")
    var streaming = false

    @Option(help: "Prefix of utterance ids (id = prefix-<line number>).")
    var idPrefix: String = "utt"

    @OptionGroup var simulator: SimulatorOptions
    @OptionGroup var model: PhoneticModelOptions

    func run() throws {
        let text = try readText(input)
        guard !nonEmptyLines(text).isEmpty else {
            throw ValidationError("--input \(input) holds no reference sentence")
        }
        let parameters = try simulator.resolved()
        let confusionModel = try model.loadModel(fallbackText: text, parameters: parameters)
        let engine = try NBestSimulator(model: confusionModel, parameters: parameters, seed: simulator.seed)
        var records: [NBestRecord] = []
        for (index, line) in nonEmptyLines(text).enumerated() {
            let id = String(format: "%@-%06d", idPrefix, index + 1)
            if streaming {
                let stream = engine.stream(reference: line, utteranceID: id)
                records += stream.lists.map { NBestRecord(reference: stream.reference, list: $0) }
            } else {
                records.append(engine.simulate(reference: line, utteranceID: id))
            }
        }
        if let output {
            try NBestJSONL.write(records, toFile: output)
        } else {
            print(NBestJSONL.text(for: records), terminator: "")
        }
    }
}
