/// Corpus-level WER and SER of a set of utterances, from summed counts.
///
/// WER = (S + D + I) / N over the totals (never a mean of per-utterance rates). With N = 0 the
/// WER is 0 if there are no insertions and undefined (`nil`) otherwise. SER is the share of
/// utterances with at least one error; `nil` for zero utterances.
public struct CorpusSummary: Sendable, Hashable, Codable {
    public var utteranceCount: Int
    public var counts: ErrorCounts
    public var sentenceErrors: Int

    public init(utteranceCount: Int, counts: ErrorCounts, sentenceErrors: Int) {
        self.utteranceCount = utteranceCount
        self.counts = counts
        self.sentenceErrors = sentenceErrors
    }

    /// Sums the per-utterance scores.
    public init<S: Sequence>(scores: S) where S.Element == UtteranceScore {
        var counts = ErrorCounts.zero
        var utterances = 0
        var sentenceErrors = 0
        for score in scores {
            counts += score.counts
            utterances += 1
            if score.isSentenceError { sentenceErrors += 1 }
        }
        self.init(utteranceCount: utterances, counts: counts, sentenceErrors: sentenceErrors)
    }

    public var wordErrorRate: Double? { counts.wordErrorRate }

    public var sentenceErrorRate: Double? {
        utteranceCount == 0 ? nil : Double(sentenceErrors) / Double(utteranceCount)
    }
}
