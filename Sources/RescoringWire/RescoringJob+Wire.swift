import NBest
public import RescoringCore
public import RescoringMessages

extension ScoreFusion {
    /// The domain form of wire fusion weights; the three weights map one to one.
    public init(_ weights: FusionWeights) {
        self.init(
            firstPassWeight: weights.firstPassWeight, lmWeight: weights.lmWeight,
            lengthBonus: weights.lengthBonus)
    }
}

extension FusionWeights {
    /// The wire form of domain fusion weights.
    public init(_ fusion: ScoreFusion) {
        self.init(
            firstPassWeight: fusion.firstPassWeight, lmWeight: fusion.lmWeight,
            lengthBonus: fusion.lengthBonus)
    }
}

extension RescoringJob {
    /// The job a wire N-best list and its optional config ask for.
    ///
    /// An empty adapter name means the base model and `max_hypotheses == 0` means every
    /// hypothesis, because proto3 cannot tell an unset string or number from an empty one.
    /// Limits and emptiness are the service's policy and are checked at its edge, not here.
    /// - Throws: `ProtoBridgeError` when the list's kind is neither PARTIAL nor FINAL.
    public init(_ nbest: NBestListMessage, config: RescoringConfig?) throws {
        self.init(
            list: try NBestList(nbest),
            adapter: config.flatMap { $0.adapter.isEmpty ? nil : $0.adapter },
            fusion: config?.fusion.map(ScoreFusion.init),
            maxHypotheses: config.flatMap { $0.maxHypotheses == 0 ? nil : Int($0.maxHypotheses) })
    }
}
