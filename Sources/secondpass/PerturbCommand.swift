import ArgumentParser
import FirstPass
import Foundation
import Phonetics

/// `secondpass perturb`: homophone perturbation of N-best JSONL lists, for robustness studies.
struct PerturbCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "perturb",
        abstract: "Replace words by homophones in N-best JSONL lists (1-best, twin or whole N-best), seeded.")

    @Option(name: .shortAndLong, help: "Input N-best JSONL file.")
    var input: String

    @Option(name: .shortAndLong, help: "Output JSONL file (default: standard output).")
    var output: String?

    @Option(help: "Which hypotheses to perturb: one-best, twin or n-best.")
    var mode: String = HomophonePerturber.Mode.oneBest.rawValue

    @Option(help: "Per-word replacement probability p.")
    var rate: Double = 0.15

    @Option(help: "Seed (the same seed gives the same perturbation).")
    var seed: UInt64 = 1

    @OptionGroup var model: PhoneticModelOptions

    func validate() throws {
        guard HomophonePerturber.Mode(rawValue: mode) != nil else {
            throw ValidationError(
                "--mode must be one of \(HomophonePerturber.Mode.allCases.map(\.rawValue).joined(separator: ", ")), got '\(mode)'"
            )
        }
        guard (0...1).contains(rate) else { throw ValidationError("--rate must be in [0, 1], got \(rate)") }
    }

    func run() throws {
        guard let mode = HomophonePerturber.Mode(rawValue: mode) else { throw ValidationError("bad --mode") }
        let records = try NBestJSONL.read(contentsOfFile: input).records
        // Zero lists in means zero out: a mistaken path or an empty file, not a result.
        guard !records.isEmpty else { throw ValidationError("--input \(input) holds no N-best list") }
        let lexicon = try Lexicon(contentsOfFile: model.dictionary, strict: false)
        var (frequencies, _) = WordFrequencies.counting(files: model.corpora)
        var minimumCount = model.minCount
        if frequencies.total == 0 {
            FileHandle.standardError.write(
                Data("note: no corpus found; counting words of the input instead\n".utf8))
            frequencies = WordFrequencies(
                countingWordsIn: records.flatMap { $0.list.hypotheses.map(\.text) }.joined(separator: "\n"))
            minimumCount = 1
        }
        let perturber = HomophonePerturber(
            homophones: HomophoneIndex(
                lexicon: lexicon, frequencies: frequencies, minimumCount: minimumCount),
            rate: rate, seed: seed)
        var replaced = 0
        let perturbed = records.map { record in
            let result = perturber.perturb(record.list, mode: mode)
            replaced += result.replacements.count
            return NBestRecord(reference: record.reference, list: result.list)
        }
        if let output {
            try NBestJSONL.write(perturbed, toFile: output)
        } else {
            print(NBestJSONL.text(for: perturbed), terminator: "")
        }
        FileHandle.standardError.write(
            Data("perturbed \(records.count) lists, \(replaced) word replacements\n".utf8))
    }
}
