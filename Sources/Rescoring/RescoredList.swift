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

    /// `originalIndex` of the chosen hypothesis; `nil` for an empty list.
    public var chosenIndex: Int? { ranking.first?.originalIndex }
    /// The chosen hypothesis' text; empty for an empty list.
    public var chosenText: String { ranking.first?.text ?? "" }
}
