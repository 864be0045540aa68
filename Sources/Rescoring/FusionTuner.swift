public import RescoringCore

/// Chooses fusion weights that minimise word errors on a development set of scored N-best lists.
///
/// The LM is run once per list (by the caller); every candidate weighting then only re-ranks
/// stored scores, so a grid of hundreds of points costs milliseconds. Errors per hypothesis are
/// the caller's too (from `Evaluation`'s aligner), which keeps this module free of any scoring
/// convention. Ranking matches `RescoringEngine` exactly: the highest fused score wins, ties go to
/// the earlier first-pass hypothesis.
public enum FusionTuner {
    /// One hypothesis of a development list, with everything a weighting needs.
    public struct Hypothesis: Sendable, Hashable {
        public var firstPass: Double
        public var lm: Double
        public var words: Int
        /// Word errors (S + D + I) against the utterance's reference.
        public var errors: Int

        public init(firstPass: Double, lm: Double, words: Int, errors: Int) {
            self.firstPass = firstPass
            self.lm = lm
            self.words = words
            self.errors = errors
        }
    }

    /// One development utterance: its hypotheses in first-pass order and its reference length.
    public struct Utterance: Sendable, Hashable {
        public var hypotheses: [Hypothesis]
        public var referenceWords: Int

        public init(hypotheses: [Hypothesis], referenceWords: Int) {
            self.hypotheses = hypotheses
            self.referenceWords = referenceWords
        }
    }

    /// How to search.
    public enum Method: String, Sendable, Hashable, CaseIterable {
        /// Every combination of the candidate values.
        case grid
        /// Coordinate descent from the starting weights: each weight in turn takes its best
        /// candidate value with the others fixed, until a round changes nothing.
        case line
    }

    /// Candidate values of each weight.
    public struct SearchSpace: Sendable, Hashable {
        public var firstPassWeights: [Double]
        public var lmWeights: [Double]
        public var lengthBonuses: [Double]

        public init(firstPassWeights: [Double], lmWeights: [Double], lengthBonuses: [Double]) {
            self.firstPassWeights = firstPassWeights
            self.lmWeights = lmWeights
            self.lengthBonuses = lengthBonuses
        }

        /// First-pass weight 1 (only ratios of weights change a ranking), LM weight 0…1.5 by
        /// 0.05, length bonus −1…3 by 0.25: 527 points.
        public static let standard = SearchSpace(
            firstPassWeights: [1], lmWeights: (0...30).map { Double($0) * 0.05 },
            lengthBonuses: (-4...12).map { Double($0) * 0.25 })

        /// LM weight 0…20 by 0.1, length bonus −12…12 by 0.25: 19,497 points, for lists of either
        /// kind. Real decoder lists carry acoustic log-likelihoods in their first-pass totals, so
        /// their best LM weights and bonuses lie far outside `standard`: on the recorded
        /// PocketSphinx lists every system's best point sat on its edge, and some on the edge of
        /// an earlier 0…8 × −10…4 grid (the full fine-tune's best LM weight is about 14;
        /// Docs/results.md). A search costs only re-ranking, so the extra points are cheap.
        public static let wide = SearchSpace(
            firstPassWeights: [1], lmWeights: (0...200).map { Double($0) * 0.1 },
            lengthBonuses: (-48...48).map { Double($0) * 0.25 })

        /// The named spaces, as `secondpass tune --grid` spells them.
        public static let named: [(name: String, space: SearchSpace)] = [
            ("standard", .standard), ("wide", .wide),
        ]

        /// The weights of `fusion` that sit on an outer candidate of their dimension, as
        /// `(flag name, value)`: the best point of a grid may then lie beyond it (real decoder
        /// lists, whose scores are acoustic log-likelihoods, need far larger LM weights than
        /// simulated ones). A dimension with one candidate, and an LM weight of 0 (a floor, not a
        /// limit of the grid), are never reported.
        public func edges(of fusion: ScoreFusion) -> [(dimension: String, value: Double)] {
            var edges: [(dimension: String, value: Double)] = []
            func check(_ name: String, _ candidates: [Double], _ value: Double, floor: Double? = nil) {
                guard let low = candidates.min(), let high = candidates.max(), low < high else { return }
                if value >= high || (value <= low && value != floor) { edges.append((name, value)) }
            }
            check("first-pass-weights", firstPassWeights, fusion.firstPassWeight)
            check("lm-weights", lmWeights, fusion.lmWeight, floor: 0)
            check("length-bonuses", lengthBonuses, fusion.lengthBonus)
            return edges
        }
    }

    /// What a search found.
    public struct Outcome: Sendable, Hashable {
        public var start: ScoreFusion
        public var best: ScoreFusion
        public var startErrors: Int
        public var bestErrors: Int
        public var referenceWords: Int
        /// Weightings evaluated.
        public var evaluations: Int

        /// Corpus WER with the starting weights (`nil` with no reference words).
        public var startWER: Double? { rate(startErrors) }
        /// Corpus WER with the best weights.
        public var bestWER: Double? { rate(bestErrors) }

        private func rate(_ errors: Int) -> Double? {
            referenceWords == 0 ? nil : Double(errors) / Double(referenceWords)
        }
    }

    /// Total word errors of the hypotheses `fusion` chooses.
    public static func errors(of fusion: ScoreFusion, on utterances: [Utterance]) -> Int {
        var total = 0
        for utterance in utterances {
            var bestIndex = -1
            var bestScore = -Double.infinity
            for (index, hypothesis) in utterance.hypotheses.enumerated() {
                let score = fusion.fuse(
                    firstPass: hypothesis.firstPass, lm: hypothesis.lm, words: hypothesis.words)
                if bestIndex < 0 || score > bestScore {
                    bestIndex = index
                    bestScore = score
                }
            }
            if bestIndex >= 0 { total += utterance.hypotheses[bestIndex].errors }
        }
        return total
    }

    /// Searches `space` for the weights with the fewest errors on `utterances`.
    ///
    /// `start` is evaluated first and kept unless a candidate is strictly better, so the result is
    /// never worse than the starting weights on the development set.
    public static func search(
        _ utterances: [Utterance], start: ScoreFusion, space: SearchSpace = .standard, method: Method = .grid
    ) -> Outcome {
        let startErrors = errors(of: start, on: utterances)
        var best = start
        var bestErrors = startErrors
        var evaluations = 1
        func consider(_ candidate: ScoreFusion) {
            evaluations += 1
            let count = errors(of: candidate, on: utterances)
            if count < bestErrors {
                best = candidate
                bestErrors = count
            }
        }
        switch method {
        case .grid:
            for first in space.firstPassWeights {
                for lm in space.lmWeights {
                    for bonus in space.lengthBonuses {
                        consider(ScoreFusion(firstPassWeight: first, lmWeight: lm, lengthBonus: bonus))
                    }
                }
            }
        case .line:
            // Each round either lowers the error count or ends the search, so the rounds are
            // bounded by the starting error count; the cap is a second guard.
            for _ in 0..<100 {
                let before = bestErrors
                for first in space.firstPassWeights {
                    consider(
                        ScoreFusion(
                            firstPassWeight: first, lmWeight: best.lmWeight, lengthBonus: best.lengthBonus))
                }
                for lm in space.lmWeights {
                    consider(
                        ScoreFusion(
                            firstPassWeight: best.firstPassWeight, lmWeight: lm, lengthBonus: best.lengthBonus
                        ))
                }
                for bonus in space.lengthBonuses {
                    consider(
                        ScoreFusion(
                            firstPassWeight: best.firstPassWeight, lmWeight: best.lmWeight, lengthBonus: bonus
                        ))
                }
                if bestErrors == before { break }
            }
        }
        return Outcome(
            start: start, best: best, startErrors: startErrors, bestErrors: bestErrors,
            referenceWords: utterances.reduce(0) { $0 + $1.referenceWords }, evaluations: evaluations)
    }
}
