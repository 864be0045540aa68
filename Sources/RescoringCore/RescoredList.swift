public import NBest

/// One hypothesis after rescoring.
public struct RescoredHypothesis: Sendable, Hashable, Codable {
    /// Position of the hypothesis in the first-pass list.
    public var originalIndex: Int
    public var text: String
    public var firstPassScore: Double
    /// Sentence log-probability under the LM, BOS and EOS included (natural log).
    public var lmScore: Double
    public var fusedScore: Double
    public var tokenCount: Int

    public init(
        originalIndex: Int, text: String, firstPassScore: Double, lmScore: Double, fusedScore: Double,
        tokenCount: Int
    ) {
        self.originalIndex = originalIndex
        self.text = text
        self.firstPassScore = firstPassScore
        self.lmScore = lmScore
        self.fusedScore = fusedScore
        self.tokenCount = tokenCount
    }
}

/// The result of rescoring one N-best list.
public struct RescoredList: Sendable, Hashable, Codable {
    /// The list as it was rescored (after any `maxHypotheses` cut).
    public var list: NBestList
    /// Hypotheses in the new ranking, best first (ties keep first-pass order).
    public var ranking: [RescoredHypothesis]
    /// The adapter that scored the list; `nil` for the base model.
    public var adapter: String?
    public var fusion: ScoreFusion

    public init(list: NBestList, ranking: [RescoredHypothesis], adapter: String?, fusion: ScoreFusion) {
        self.list = list
        self.ranking = ranking
        self.adapter = adapter
        self.fusion = fusion
    }

    /// `originalIndex` of the chosen hypothesis; `nil` for an empty list.
    public var chosenIndex: Int? { ranking.first?.originalIndex }
    /// The chosen hypothesis' text; empty for an empty list.
    public var chosenText: String { ranking.first?.text ?? "" }
}
