/// An outcome with its first-pass and second-pass error counts, computed once.
struct ScoredOutcome: Sendable {
    var outcome: UtteranceOutcome
    /// Normalised reference.
    var reference: String
    /// First-pass 1-best counts against the reference.
    var firstPass: ErrorCounts
    /// Rescored (chosen text) counts against the reference.
    var secondPass: ErrorCounts
    /// Normalised chosen text.
    var chosenText: String

    var referenceWords: Double { Double(secondPass.referenceWords) }
}

extension CorpusScorer {
    /// Scores first and second pass of every outcome.
    mutating func scored(_ outcomes: [UtteranceOutcome]) -> [ScoredOutcome] {
        outcomes.map { outcome in
            let second = score(
                ScoringPair(
                    utteranceID: outcome.utteranceID, reference: outcome.reference,
                    hypothesis: outcome.chosenText))
            return ScoredOutcome(
                outcome: outcome, reference: second.reference,
                firstPass: counts(reference: outcome.reference, hypothesis: outcome.firstPassBestText),
                secondPass: second.counts, chosenText: second.hypothesis)
        }
    }
}

/// Ratio of totals, `nil` when the denominator is 0 (or WER with no reference words).
@inline(__always)
func ratio(_ numerator: Double, _ denominator: Double) -> Double? {
    denominator == 0 ? nil : numerator / denominator
}

/// WER from summed errors and reference words, with `ErrorCounts.wordErrorRate`'s N = 0 rule.
@inline(__always)
func wer(_ errors: Double, _ words: Double) -> Double? {
    words == 0 ? (errors == 0 ? 0 : nil) : errors / words
}

/// Pairs outcomes of two sets by utterance ID (both sorted by ID), checking references agree.
func matchByUtterance(
    _ left: [ScoredOutcome], _ right: [ScoredOutcome]
) throws -> (pairs: [(ScoredOutcome, ScoredOutcome)], onlyLeft: Int, onlyRight: Int) {
    var rightByID: [String: ScoredOutcome] = [:]
    for item in right { rightByID[item.outcome.utteranceID] = item }
    var pairs: [(ScoredOutcome, ScoredOutcome)] = []
    for item in left {
        guard let other = rightByID[item.outcome.utteranceID] else { continue }
        guard other.reference == item.reference else {
            throw EvaluationError(
                .inconsistentReference,
                "utterance \(item.outcome.utteranceID): reference '\(item.reference)' in "
                    + "\(item.outcome.run)/\(item.outcome.condition) but '\(other.reference)' in "
                    + "\(other.outcome.run)/\(other.outcome.condition)")
        }
        pairs.append((item, other))
    }
    return (pairs, left.count - pairs.count, right.count - pairs.count)
}
