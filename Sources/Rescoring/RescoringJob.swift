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

    public init(
        list: NBestList, adapter: String? = nil, fusion: ScoreFusion? = nil, maxHypotheses: Int? = nil
    ) {
        self.list = list
        self.adapter = adapter
        self.fusion = fusion
        self.maxHypotheses = maxHypotheses
    }
}
