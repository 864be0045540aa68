public import NBest

/// One N-best list to rescore and how.
public struct RescoringJob: Sendable, Hashable {
    public var list: NBestList
    /// Adapter name; `nil` scores with the frozen base model.
    public var adapter: String?
    /// Overrides the engine's tuned fusion weights.
    public var fusion: ScoreFusion?
    /// Rescore only the first N hypotheses; `nil` for all.
    public var maxHypotheses: Int?
    /// The stream's session in a `SessionStateCache`: the job continues from the LM states of its
    /// utterance's earlier partial lists and, when it is a partial, keeps its own; `nil` scores
    /// from scratch.
    public var session: RescoringSession?

    public init(
        list: NBestList, adapter: String? = nil, fusion: ScoreFusion? = nil, maxHypotheses: Int? = nil,
        session: RescoringSession? = nil
    ) {
        self.list = list
        self.adapter = adapter
        self.fusion = fusion
        self.maxHypotheses = maxHypotheses
        self.session = session
    }
}
