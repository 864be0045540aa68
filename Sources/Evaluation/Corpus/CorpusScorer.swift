/// Scores utterances (normalise, align, count) and builds corpus results.
///
/// Holds one `WordAligner`, so scoring thousands of utterances reuses its buffers and word ids.
/// A scorer is a value type; give each task its own.
public struct CorpusScorer: Sendable {
    public let normalizer: TextNormalizer
    private var aligner = WordAligner()

    public init(normalizer: TextNormalizer = .standard) {
        self.normalizer = normalizer
    }

    /// Counts of one hypothesis against one reference, after normalisation.
    public mutating func counts(reference: String, hypothesis: String) -> ErrorCounts {
        aligner.counts(
            reference: normalizer.normalize(reference), hypothesis: normalizer.normalize(hypothesis))
    }

    /// The full alignment of one hypothesis against one reference, after normalisation.
    public mutating func align(reference: String, hypothesis: String) -> WordAlignment {
        aligner.align(
            reference: normalizer.normalize(reference), hypothesis: normalizer.normalize(hypothesis))
    }

    /// The score record of one utterance.
    public mutating func score(_ pair: ScoringPair) -> UtteranceScore {
        let reference = normalizer.normalize(pair.reference)
        let hypothesis = normalizer.normalize(pair.hypothesis)
        return UtteranceScore(
            utteranceID: pair.utteranceID, reference: reference, hypothesis: hypothesis,
            counts: aligner.counts(reference: reference, hypothesis: hypothesis))
    }

    /// Scores every pair and sums them into a `CorpusResult`.
    public mutating func score(_ pairs: [ScoringPair]) -> CorpusResult {
        let scores = pairs.map { score($0) }
        return CorpusResult(
            normalizer: normalizer, utterances: scores, summary: CorpusSummary(scores: scores))
    }

    /// Substitution pairs, missed and inserted words over every pair, most frequent first.
    public mutating func errorAnalysis(_ pairs: [ScoringPair], limit: Int = 20) -> ErrorAnalysis {
        var tally = ErrorAnalysis.Tally()
        for pair in pairs {
            tally.add(align(reference: pair.reference, hypothesis: pair.hypothesis))
        }
        return tally.analysis(limit: limit)
    }
}

/// Per-utterance scores of a corpus with their totals and the normalisation that produced them.
public struct CorpusResult: Sendable, Hashable, Codable {
    public var normalizer: TextNormalizer
    public var utterances: [UtteranceScore]
    public var summary: CorpusSummary

    public init(normalizer: TextNormalizer, utterances: [UtteranceScore], summary: CorpusSummary) {
        self.normalizer = normalizer
        self.utterances = utterances
        self.summary = summary
    }
}
