import Foundation
import Phonetics
import SeededRandom

/// One way the recogniser may render one or two reference words, with its score parts.
struct LatticeArc: Sendable {
    enum Kind: Sendable, Hashable {
        case keep, homophone, substitution, deletion, insertion, split, merge
    }

    /// Reference word positions spanned: `from..<to`.
    var from: Int
    var to: Int
    var words: [String]
    /// Hashes of `words` (FNV-1a), for merging equal word sequences during search.
    var wordHashes: [UInt64]
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
        let kappa = parameters.acousticScale
        var phoneCount = 0
        for (i, word) in referenceWords.enumerated() {
            phoneCount += model.primaryPhones(of: word)?.count ?? max(1, word.count / 2)
            var arcs: [LatticeArc] = []
            var substitutions = 0
            for option in model.arcOptions(for: word) {
                let bias: Double
                switch option.kind {
                case .keep: bias = 0
                case .homophone, .substitution:
                    substitutions += 1
                    if substitutions > parameters.candidatesPerWord { continue }
                    bias = parameters.substitutionBias
                case .deletion: bias = parameters.deletionBias
                case .insertion: bias = parameters.insertionBias
                case .split, .merge: bias = parameters.splitMergeBias
                }
                arcs.append(
                    LatticeArc(
                        from: i, to: i + 1, words: option.words, wordHashes: option.wordHashes,
                        kind: option.kind,
                        errors: option.errors, lm: option.lm, acousticPenalty: -kappa * option.distance,
                        bias: bias,
                        noise: 0))
            }
            if i + 1 < count, let merged = model.merge(word, referenceWords[i + 1]) {
                arcs.append(
                    LatticeArc(
                        from: i, to: i + 2, words: [merged], wordHashes: [SplitMix64.fnv1a(merged)],
                        kind: .merge,
                        errors: 2, lm: model.frequencies.logProbability(of: merged), acousticPenalty: 0,
                        bias: parameters.splitMergeBias, noise: 0))
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
        let lambda = parameters.lmWeight
        let inverseSigma = 1 / parameters.noiseScale
        for arcs in arcsFrom where !arcs.isEmpty {
            func score(_ arc: LatticeArc) -> Double {
                (arc.acousticPenalty + (arc.kind == .keep ? 0 : arc.bias + shift) + lambda * arc.lm)
                    * inverseSigma
            }
            var top = -Double.infinity
            for arc in arcs { top = max(top, score(arc)) }
            var sum = 0.0
            var weightedErrors = 0.0
            for arc in arcs {
                let weight = Foundation.exp(score(arc) - top)
                sum += weight
                weightedErrors += Double(arc.errors) * weight
            }
            total += weightedErrors / sum
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
        while high - low > 1e-4 {
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
