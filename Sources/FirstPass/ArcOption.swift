import Phonetics
import SeededRandom

/// One way a single reference word may be recognised, before parameters and noise are
/// applied: the per-word part of a lattice arc, cached by ``PhoneticConfusionModel``.
struct ArcOption: Sendable {
    var words: [String]
    var wordHashes: [UInt64]
    var kind: LatticeArc.Kind
    var errors: Int
    /// Phonetic distance to the reference word (deletion: its phones' deletion cost; insertion:
    /// the inserted word's insertion cost).
    var distance: Double
    /// Σ natural-log unigram probability of `words`.
    var lm: Double
}

extension PhoneticConfusionModel {
    /// The single-word arc options of `word`: keep, deletion and, for words in the lexicon,
    /// substitutions, insertions of the three most frequent short words, and splits.
    ///
    /// Computed once per word and cached: simulations of a corpus meet the same words again and
    /// again, and the options depend only on the model.
    func arcOptions(for word: String) -> [ArcOption] {
        if let cached = arcOptionCache.withLock({ $0[word] }) { return cached }
        let costs = PhoneCosts.standard
        func option(_ words: [String], _ kind: LatticeArc.Kind, errors: Int, distance: Double) -> ArcOption {
            ArcOption(
                words: words, wordHashes: words.map { SplitMix64.fnv1a($0) }, kind: kind, errors: errors,
                distance: distance, lm: words.reduce(0) { $0 + frequencies.logProbability(of: $1) })
        }
        func indel(_ word: String) -> Double {
            guard let phones = primaryPhones(of: word) else { return 2 * PhoneCosts.indelCost }
            return phones.reduce(0) { $0 + costs.indel($1) }
        }
        var options = [
            option([word], .keep, errors: 0, distance: 0),
            option([], .deletion, errors: 1, distance: indel(word)),
        ]
        if lexicon.contains(word) {
            for candidate in substitutions(for: word) {
                options.append(
                    option(
                        [candidate.word], candidate.distance == 0 ? .homophone : .substitution, errors: 1,
                        distance: candidate.distance))
            }
            for inserted in insertableWords.prefix(3) {
                options.append(option([word, inserted], .insertion, errors: 1, distance: indel(inserted)))
            }
            for pair in splits(of: word) { options.append(option(pair, .split, errors: 2, distance: 0)) }
        }
        arcOptionCache.withLock { $0[word] = options }
        return options
    }
}
