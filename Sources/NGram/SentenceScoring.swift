import Foundation

/// The score of one sentence under an n-gram model, framed `<s> … </s>`.
public struct SentenceScore: Sendable, Hashable {
    /// log10 P(words, `</s>` | `<s>`).
    public var log10Probability: Double
    public var words: Int
    /// Words outside the vocabulary (scored as `<unk>`).
    public var unknownWords: Int

    /// Natural-log probability, the unit of first-pass scores and of `ScoreFusion`.
    public var logProbability: Double { log10Probability * log(10) }
}

extension BackoffNGramModel {
    /// Scores one sentence of space-separated words; an empty sentence scores `</s>` alone.
    ///
    /// Words are taken as they are, as the rescorer takes a hypothesis' text: the corpora and
    /// N-best lists are already in ASR form (lower case, no punctuation; Docs/data.md).
    public func score<S: StringProtocol>(sentence: S) -> SentenceScore {
        var context: [Int32] = [vocabulary.startID]
        var total = 0.0
        var words = 0
        var unknown = 0
        for word in sentence.split(separator: " ") {
            let id = vocabulary.idOrUnknown(word)
            if id == vocabulary.unknownID, word != NGramVocabulary.unknown { unknown += 1 }
            total += log10Probability(of: id, after: context)
            context.append(id)
            if context.count >= order { context.removeFirst() }
            words += 1
        }
        total += log10Probability(of: vocabulary.endID, after: context)
        return SentenceScore(log10Probability: total, words: words, unknownWords: unknown)
    }
}

/// Perplexity over a set of sentences, per word with `</s>` counted as a word (as SRILM and
/// `secondpass evaluate-lm` count it), unknown words included as `<unk>`.
public struct PerplexityAccumulator: Sendable, Hashable {
    public private(set) var sentences = 0
    public private(set) var words = 0
    public private(set) var unknownWords = 0
    public private(set) var log10Probability = 0.0

    public init() {}

    public mutating func add(_ score: SentenceScore) {
        sentences += 1
        words += score.words
        unknownWords += score.unknownWords
        log10Probability += score.log10Probability
    }

    /// 10^(−log10 P / (words + sentences)); `nil` before any sentence.
    public var perplexity: Double? {
        sentences == 0 ? nil : pow(10, -log10Probability / Double(words + sentences))
    }
}
