import Foundation
import Phonetics

/// One way the recogniser may render one or two reference words, with its score parts.
struct LatticeArc: Sendable {
    enum Kind: Sendable, Hashable {
        case keep, homophone, substitution, deletion, insertion, split, merge
    }

    /// Reference word positions spanned: `from..<to`.
    var from: Int
    var to: Int
    var words: [String]
    var kind: Kind
    /// Word errors of this arc against the reference (S+D+I).
    var errors: Int
    /// Σ natural-log unigram probability of `words`.
    var lm: Double
    /// −κ · phonetic distance from the reference words.
    var acousticPenalty: Double
    /// Relative bias of the arc's kind (0 for `keep`).
    var bias: Double
    /// σ · Gumbel noise (the acoustic evidence of this utterance).
    var noise: Double

    /// Acoustic score contribution when error arcs are shifted by `shift`.
    func acoustic(shift: Double) -> Double {
        acousticPenalty + noise + (kind == .keep ? 0 : bias + shift)
    }
}

/// The competing arcs of one utterance: a confusion network over reference positions, with
/// two-position arcs for merges.
struct ConfusionLattice: Sendable {
    let referenceWords: [String]
    /// Arcs ending at node `j` (after `j` reference words), for the forward k-best pass.
    let arcsInto: [[LatticeArc]]
    /// Arcs starting at node `i`, for the expected-error computation.
    let arcsFrom: [[LatticeArc]]
    /// Σ acoustic baseline: `acousticPerPhone` × reference phones.
    let baseline: Double

    init(
        referenceWords: [String], model: PhoneticConfusionModel, parameters: SimulatorParameters,
        generator: inout SplitMix64
    ) {
        let count = referenceWords.count
        var arcsFrom = [[LatticeArc]](repeating: [], count: count + 1)
        var arcsInto = [[LatticeArc]](repeating: [], count: count + 1)
        let costs = PhoneCosts.standard
        let kappa = parameters.acousticScale
        var phoneCount = 0
        func logP(_ words: [String]) -> Double {
            words.reduce(0) { $0 + model.frequencies.logProbability(of: $1) }
        }
        func indel(_ word: String) -> Double {
            guard let phones = model.primaryPhones(of: word) else { return 2 * PhoneCosts.indelCost }
            return phones.reduce(0) { $0 + costs.indel($1) }
        }
        for (i, word) in referenceWords.enumerated() {
            phoneCount += model.primaryPhones(of: word)?.count ?? max(1, word.count / 2)
            var arcs: [LatticeArc] = []
            func add(
                _ words: [String], _ kind: LatticeArc.Kind, errors: Int, distance: Double, bias: Double,
                to: Int
            ) {
                arcs.append(
                    LatticeArc(
                        from: i, to: to, words: words, kind: kind, errors: errors, lm: logP(words),
                        acousticPenalty: -kappa * distance, bias: bias, noise: 0))
            }
            add([word], .keep, errors: 0, distance: 0, bias: 0, to: i + 1)
            add([], .deletion, errors: 1, distance: indel(word), bias: parameters.deletionBias, to: i + 1)
            if model.lexicon.contains(word) {
                for candidate in model.substitutions(for: word).prefix(parameters.candidatesPerWord) {
                    add(
                        [candidate.word], candidate.distance == 0 ? .homophone : .substitution, errors: 1,
                        distance: candidate.distance, bias: parameters.substitutionBias, to: i + 1)
                }
                for inserted in model.insertableWords.prefix(3) {
                    add(
                        [word, inserted], .insertion, errors: 1, distance: indel(inserted),
                        bias: parameters.insertionBias, to: i + 1)
                }
                for pair in model.splits(of: word) {
                    add(pair, .split, errors: 2, distance: 0, bias: parameters.splitMergeBias, to: i + 1)
                }
                if i + 1 < count, let merged = model.merge(word, referenceWords[i + 1]) {
                    add([merged], .merge, errors: 2, distance: 0, bias: parameters.splitMergeBias, to: i + 2)
                }
            }
            for index in arcs.indices {
                arcs[index].noise = parameters.noiseScale * Self.gumbel(&generator)
                arcsInto[arcs[index].to].append(arcs[index])
            }
            arcsFrom[i] = arcs
        }
        self.referenceWords = referenceWords
        self.arcsFrom = arcsFrom
        self.arcsInto = arcsInto
        self.baseline = parameters.acousticPerPhone * Double(phoneCount)
    }

    /// Expected 1-best word errors when error arcs are shifted by `shift`: each position's
    /// choice probabilities are the softmax of noise-free arc totals over σ, which is exactly the
    /// probability that an arc wins under Gumbel noise (merges counted at their first position).
    func expectedErrors(shift: Double, parameters: SimulatorParameters) -> Double {
        var total = 0.0
        for arcs in arcsFrom where !arcs.isEmpty {
            let scores = arcs.map {
                ($0.acousticPenalty + ($0.kind == .keep ? 0 : $0.bias + shift) + parameters.lmWeight * $0.lm)
                    / parameters.noiseScale
            }
            let top = scores.max()!
            let weights = scores.map { Foundation.exp($0 - top) }
            let sum = weights.reduce(0, +)
            for (arc, weight) in zip(arcs, weights) { total += Double(arc.errors) * weight / sum }
        }
        return total
    }

    /// The error shift whose expected WER is `targetWER` (bisection; expected errors increase
    /// with the shift). Clamped to ±60 when the target is out of reach.
    func shift(forTargetWER targetWER: Double, parameters: SimulatorParameters) -> Double {
        let target = targetWER * Double(referenceWords.count)
        var (low, high) = (-60.0, 60.0)
        if expectedErrors(shift: high, parameters: parameters) <= target { return high }
        if expectedErrors(shift: low, parameters: parameters) >= target { return low }
        for _ in 0..<50 {
            let middle = (low + high) / 2
            if expectedErrors(shift: middle, parameters: parameters) < target {
                low = middle
            } else {
                high = middle
            }
        }
        return (low + high) / 2
    }

    /// A standard Gumbel draw: −log(−log U).
    static func gumbel(_ generator: inout SplitMix64) -> Double {
        let u = max(generator.nextUnit(), 1e-300)
        return -Foundation.log(-Foundation.log(u == 1 ? 1 - 1e-16 : u))
    }
}
