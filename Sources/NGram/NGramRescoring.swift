public import NBest
public import RescoringCore

extension BackoffNGramModel {
    /// Rescores an N-best list with this model through the same fusion and ranking as the neural
    /// LM (`RescoredList(ranking:…)`), so tuned weights and chosen hypotheses mean the same thing.
    ///
    /// Each hypothesis' LM score is its natural-log sentence probability (`<s>` and `</s>`
    /// included); its token count is its words plus `</s>`.
    public func rescore(_ list: NBestList, fusion: ScoreFusion) -> RescoredList {
        let scores = list.hypotheses.map { score(sentence: $0.text) }
        return RescoredList(
            ranking: list, lmScores: scores.map(\.logProbability), tokenCounts: scores.map { $0.words + 1 },
            adapter: nil, fusion: fusion)
    }
}
