public import NBest
import SeededRandom

/// Seeded homophone perturbations of N-best lists, for measuring rescorer robustness.
///
/// A replacement swaps a word for another member of its homophone group, so the sentence
/// still sounds exactly the same: an acoustic model could not tell the two apart, and only the
/// language model can. First-pass scores are kept unchanged for that reason.
public struct HomophonePerturber: Sendable {
    /// Which hypotheses are perturbed and how.
    public enum Mode: String, Sendable, Hashable, CaseIterable, Codable {
        /// Replace words of the 1-best hypothesis in place; others unchanged.
        case oneBest = "one-best"
        /// Insert the perturbed 1-best right after the original, with identical scores.
        case twin
        /// Perturb every hypothesis independently.
        case nBest = "n-best"
    }

    /// One word replacement made by a perturbation.
    public struct Replacement: Sendable, Hashable, Codable {
        /// Index of the hypothesis in the *output* list.
        public var hypothesisIndex: Int
        public var wordIndex: Int
        public var original: String
        public var replacement: String
    }

    /// A perturbed list with what was changed.
    public struct Result: Sendable, Hashable {
        public var list: NBestList
        public var replacements: [Replacement]
    }

    public let homophones: HomophoneIndex
    /// Per-word replacement probability.
    public let rate: Double
    /// When no word was drawn but some word has a homophone, replace one such word anyway.
    public let guaranteeOneReplacement: Bool
    public let seed: UInt64

    public init(
        homophones: HomophoneIndex, rate: Double = 0.15, guaranteeOneReplacement: Bool = true, seed: UInt64
    ) {
        self.homophones = homophones
        self.rate = min(max(rate, 0), 1)
        self.guaranteeOneReplacement = guaranteeOneReplacement
        self.seed = seed
    }

    /// Perturbs `list` in the given mode.
    ///
    /// The random stream depends only on the seed, the mode and the utterance id, so the same
    /// list always gets the same perturbation whatever order lists are processed in. A
    /// perturbed hypothesis that would duplicate another hypothesis of the list is redrawn
    /// (up to 8 times) and otherwise left unchanged, so lists stay free of duplicates.
    public func perturb(_ list: NBestList, mode: Mode) -> Result {
        var generator = SplitMix64(seed: seed, item: "\(mode.rawValue)|\(list.utteranceID)")
        var output = list
        var replacements: [Replacement] = []
        var texts = Set(list.hypotheses.map(\.text))
        let targets: [Int]
        switch mode {
        case .oneBest, .twin: targets = list.hypotheses.isEmpty ? [] : [0]
        case .nBest: targets = Array(list.hypotheses.indices)
        }
        for index in targets {
            let original = list.hypotheses[index]
            guard let (text, changes) = perturbedText(original.text, avoiding: texts, using: &generator)
            else {
                continue
            }
            texts.insert(text)
            var perturbed = original
            perturbed.text = text
            perturbed.tokenIDs = []
            let outputIndex: Int
            if mode == .twin {
                outputIndex = index + 1
                output.hypotheses.insert(perturbed, at: outputIndex)
            } else {
                outputIndex = index
                output.hypotheses[index] = perturbed
            }
            replacements += changes.map {
                Replacement(
                    hypothesisIndex: outputIndex, wordIndex: $0.wordIndex, original: $0.original,
                    replacement: $0.replacement)
            }
        }
        return Result(list: output, replacements: replacements)
    }

    private struct WordChange {
        var wordIndex: Int
        var original: String
        var replacement: String
    }

    /// Draws replacements for one hypothesis; `nil` when nothing could change.
    private func perturbedText(
        _ text: String, avoiding existing: Set<String>, using generator: inout SplitMix64
    ) -> (String, [WordChange])? {
        let words = text.split(separator: " ").map(String.init)
        let eligible = words.indices.filter { homophones.hasHomophone(words[$0]) }
        if eligible.isEmpty { return nil }
        for _ in 0..<8 {
            var chosen = eligible.filter { _ in generator.nextUnit() < rate }
            if chosen.isEmpty {
                guard guaranteeOneReplacement else { return nil }
                chosen = [eligible[Int(generator.next() % UInt64(eligible.count))]]
            }
            var newWords = words
            var changes: [WordChange] = []
            for position in chosen {
                let alternatives = homophones.homophones(of: words[position])
                let pick = alternatives[Int(generator.next() % UInt64(alternatives.count))]
                newWords[position] = Self.matchingCase(pick, of: words[position])
                changes.append(
                    WordChange(
                        wordIndex: position, original: words[position], replacement: newWords[position]))
            }
            let newText = newWords.joined(separator: " ")
            if !existing.contains(newText) { return (newText, changes) }
        }
        return nil
    }

    /// `word` in the letter case of `model` (all upper, capitalised, or lower).
    static func matchingCase(_ word: String, of model: String) -> String {
        if model == model.uppercased(), model != model.lowercased() { return word.uppercased() }
        if let first = model.first, first.isUppercase {
            return word.prefix(1).uppercased() + word.dropFirst()
        }
        return word
    }
}
