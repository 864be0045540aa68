/// Substitution, deletion, insertion and correct-word counts of one or more alignments.
///
/// Counts add up across utterances (`+`), which is how corpus WER is computed: total errors over
/// total reference words, never the mean of per-utterance rates.
public struct ErrorCounts: Sendable, Hashable, Codable {
    public var substitutions: Int
    public var deletions: Int
    public var insertions: Int
    public var correct: Int

    public init(substitutions: Int = 0, deletions: Int = 0, insertions: Int = 0, correct: Int = 0) {
        self.substitutions = substitutions
        self.deletions = deletions
        self.insertions = insertions
        self.correct = correct
    }

    public static let zero = ErrorCounts()

    /// S + D + I: the Levenshtein distance of the alignment.
    public var errors: Int { substitutions + deletions + insertions }
    /// S + D + C = number of reference words.
    public var referenceWords: Int { substitutions + deletions + correct }
    /// S + I + C = number of hypothesis words.
    public var hypothesisWords: Int { substitutions + insertions + correct }

    /// Word error rate (S + D + I) / N.
    ///
    /// With an empty reference (N = 0) the rate is defined as 0 when there are no insertions and
    /// `nil` (undefined) otherwise: a finite rate would need a denominator that does not exist.
    /// jiwer returns the raw insertion count in that case; we refuse to call a count a rate.
    public var wordErrorRate: Double? {
        if referenceWords == 0 { return insertions == 0 ? 0 : nil }
        return Double(errors) / Double(referenceWords)
    }

    public static func + (lhs: ErrorCounts, rhs: ErrorCounts) -> ErrorCounts {
        ErrorCounts(
            substitutions: lhs.substitutions + rhs.substitutions,
            deletions: lhs.deletions + rhs.deletions,
            insertions: lhs.insertions + rhs.insertions,
            correct: lhs.correct + rhs.correct)
    }

    public static func += (lhs: inout ErrorCounts, rhs: ErrorCounts) { lhs = lhs + rhs }
}
