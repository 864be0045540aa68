public import NBest

extension RescoredList {
    /// Ranks `list` by fused score: the highest first, equal scores in first-pass order.
    ///
    /// Every language model (the neural engine, the n-gram baseline) ranks through this, so the
    /// same scores and weights always choose the same hypothesis.
    ///
    /// - Parameters:
    ///   - lmScores: each hypothesis' LM log-probability (natural log), in list order.
    ///   - tokenCounts: each hypothesis' number of scored LM tokens, in list order.
    public init(
        ranking list: NBestList, lmScores: [Double], tokenCounts: [Int], adapter: String?, fusion: ScoreFusion
    ) {
        precondition(
            lmScores.count == list.hypotheses.count && tokenCounts.count == list.hypotheses.count,
            "one LM score and token count per hypothesis")
        var ranking: [RescoredHypothesis] = []
        for (index, hypothesis) in list.hypotheses.enumerated() {
            ranking.append(
                RescoredHypothesis(
                    originalIndex: index, text: hypothesis.text, firstPassScore: hypothesis.totalScore,
                    lmScore: lmScores[index],
                    fusedScore: fusion.fuse(
                        firstPass: hypothesis.totalScore, lm: lmScores[index], words: hypothesis.words.count),
                    tokenCount: tokenCounts[index]))
        }
        // Stable: equal fused scores keep first-pass order.
        ranking = ranking.enumerated().sorted {
            $0.element.fusedScore != $1.element.fusedScore
                ? $0.element.fusedScore > $1.element.fusedScore : $0.offset < $1.offset
        }.map(\.element)
        self.init(list: list, ranking: ranking, adapter: adapter, fusion: fusion)
    }
}
