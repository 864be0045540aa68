/// Log-linear fusion of first-pass and language-model scores.
///
/// `fused = firstPassWeight · firstPass + lmWeight · lm + lengthBonus · words`. Scores are
/// natural logs; the length bonus offsets the LM's preference for short hypotheses.
public struct ScoreFusion: Sendable, Hashable, Codable {
    public var firstPassWeight: Double
    public var lmWeight: Double
    public var lengthBonus: Double

    public init(firstPassWeight: Double = 1, lmWeight: Double = 0.5, lengthBonus: Double = 0) {
        self.firstPassWeight = firstPassWeight
        self.lmWeight = lmWeight
        self.lengthBonus = lengthBonus
    }

    /// The fused score of one hypothesis.
    public func fuse(firstPass: Double, lm: Double, words: Int) -> Double {
        firstPassWeight * firstPass + lmWeight * lm + lengthBonus * Double(words)
    }
}
