import Evaluation
public import NBest
import NeuralLM
public import RescoringCore

/// One N-best list prepared for MWER: token ids, first-pass scores and word errors per hypothesis.
public struct MWERExample: Sendable, Equatable {
    /// One hypothesis of the list.
    public struct Candidate: Sendable, Equatable {
        /// LM tokens of the hypothesis (without BOS/EOS; the objective frames them).
        public var tokens: [Int]
        /// First-pass total log score.
        public var firstPassScore: Double
        /// Word errors (S + D + I) against the reference.
        public var wordErrors: Double
        /// Number of words (the length term of the fusion).
        public var wordCount: Int

        public init(tokens: [Int], firstPassScore: Double, wordErrors: Double, wordCount: Int) {
            self.tokens = tokens
            self.firstPassScore = firstPassScore
            self.wordErrors = wordErrors
            self.wordCount = wordCount
        }
    }

    public var utteranceID: String
    public var referenceWordCount: Int
    public var candidates: [Candidate]

    public init(utteranceID: String, referenceWordCount: Int, candidates: [Candidate]) {
        self.utteranceID = utteranceID
        self.referenceWordCount = referenceWordCount
        self.candidates = candidates
    }

    /// Builds an example from a first-pass list and its reference, aligning every hypothesis.
    ///
    /// Token ids come from each hypothesis's `tokenIDs` or, when those are empty, from
    /// `tokenize`; a hypothesis with neither is an `.invalidData` error naming the utterance.
    public init(
        list: NBestList, reference: String, tokenize: ((String) throws -> [Int])? = nil
    ) throws {
        guard !list.hypotheses.isEmpty else {
            throw NeuralLMError(.invalidData, "utterance \(list.utteranceID): empty N-best list")
        }
        var aligner = WordAligner()
        var candidates: [Candidate] = []
        for (index, hypothesis) in list.hypotheses.enumerated() {
            var tokens = hypothesis.tokenIDs.map(Int.init)
            if tokens.isEmpty, !hypothesis.text.isEmpty {
                guard let tokenize else {
                    throw NeuralLMError(
                        .invalidData,
                        "utterance \(list.utteranceID) hypothesis \(index) has no tokenIDs and no tokenizer was given"
                    )
                }
                tokens = try tokenize(hypothesis.text)
            }
            guard hypothesis.totalScore.isFinite else {
                throw NeuralLMError(
                    .invalidData,
                    "utterance \(list.utteranceID) hypothesis \(index): first-pass score is not finite")
            }
            let counts = aligner.counts(reference: reference, hypothesis: hypothesis.text)
            candidates.append(
                Candidate(
                    tokens: tokens, firstPassScore: hypothesis.totalScore, wordErrors: Double(counts.errors),
                    wordCount: hypothesis.words.count))
        }
        self.init(
            utteranceID: list.utteranceID, referenceWordCount: reference.split(separator: " ").count,
            candidates: candidates)
    }
}

/// MWER trains through the rescorer's own `ScoreFusion` (s = w·first_pass + α·lm + β·words), so
/// fusion weights used in training are exactly those the service applies.
extension ScoreFusion {
    /// Fused score of a candidate with LM log-probability `lm`.
    public func score(_ candidate: MWERExample.Candidate, lm: Double) -> Double {
        fuse(firstPass: candidate.firstPassScore, lm: lm, words: candidate.wordCount)
    }
}
