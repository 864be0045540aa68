public import FirstPass
import Foundation
public import Phonetics

/// The pronunciation-based models a run needs: the confusion model that simulates the first
/// pass and the homophone index perturbations draw from, built from one lexicon and one set of
/// word counts (the same inputs and rules as `secondpass simulate` and `secondpass perturb`).
public struct FirstPassModels: Sendable {
    public var confusion: PhoneticConfusionModel
    public var homophones: HomophoneIndex

    /// The corpora whose word counts decide which words are real, as `nbest-simulator run` and
    /// `services-bench` read them by default (the demo's lists).
    public static let defaultCorpora = [
        "Data/general/train.txt", "Data/austen/train.txt", "Data/conversation/train.txt",
    ]
    /// The corpus count below which a word is neither an error nor a homophone, by default.
    public static let defaultMinimumCount = 2

    /// Loads the lexicon and counts words of `corpora`; when none of them exists, the words of
    /// `fallbackText` are counted instead (with `minimumCount` 1) and `note` says so.
    ///
    /// - Throws: `SimulationSetupError` naming the dictionary when it cannot be read.
    public static func load(
        dictionary: String, corpora: [String], minimumCount: Int, fallbackText: String,
        parameters: SimulatorParameters, note: (String) -> Void
    ) throws(SimulationSetupError) -> FirstPassModels {
        let lexicon: Lexicon
        do {
            lexicon = try Lexicon(contentsOfFile: dictionary, strict: false)
        } catch {
            throw SimulationSetupError("cannot read the pronouncing dictionary \(dictionary): \(error)")
        }
        var (frequencies, missing) = WordFrequencies.counting(files: corpora)
        var minimum = minimumCount
        if frequencies.total == 0 {
            note("no corpus found (\(missing.joined(separator: ", "))); counting words of the source instead")
            frequencies = WordFrequencies(countingWordsIn: fallbackText)
            minimum = 1
        }
        return FirstPassModels(
            confusion: PhoneticConfusionModel(
                lexicon: lexicon, frequencies: frequencies, minimumCount: minimum,
                maximumDistance: parameters.maximumNeighborDistance,
                candidatesPerWord: parameters.candidatesPerWord),
            homophones: HomophoneIndex(lexicon: lexicon, frequencies: frequencies, minimumCount: minimum))
    }
}
