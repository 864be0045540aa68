public import Evaluation
public import RescoringCore

/// Every figure of one rescoring system (the base model, the trigram or a trained cell) on one
/// domain: tuned fusion, dev WER, test figures, comparisons with the baselines, robustness.
public struct SystemFigures: Sendable, Hashable, Codable {
    /// The outcome run name (`base`, `trigram`, or the cell id).
    public var system: String
    /// Fusion weights tuned on the dev lists (never on test).
    public var fusion: ScoreFusion
    /// Dev WER with the tuned weights, and with the starting weights.
    public var devWER: Double?
    public var devWERUntuned: Double?
    /// Clean test lists: WER₁ (first pass), WER₂ with CI, WERR vs first pass with CI, MAPSSWE p.
    public var test: ConditionFigures
    /// Paired comparisons on clean test lists (baseline = trigram / base; WERR > 0 is a gain).
    public var versusTrigram: SystemComparison?
    public var versusBase: SystemComparison?
    /// D1, D1-twin and NPRR over the p sweep, each with CIs.
    public var robustness: [RobustnessFigures]

    public init(
        system: String, fusion: ScoreFusion, devWER: Double?, devWERUntuned: Double?, test: ConditionFigures,
        versusTrigram: SystemComparison?, versusBase: SystemComparison?, robustness: [RobustnessFigures]
    ) {
        self.system = system
        self.fusion = fusion
        self.devWER = devWER
        self.devWERUntuned = devWERUntuned
        self.test = test
        self.versusTrigram = versusTrigram
        self.versusBase = versusBase
        self.robustness = robustness
    }

    /// The robustness figure of a family (`D1`, `D1-twin`, `NPRR`) and, for NPRR, p.
    public func robustness(_ figure: String, p: Double? = nil) -> RobustnessFigures? {
        robustness.first {
            guard $0.comparison.figureName == figure else { return false }
            guard let p else { return true }
            if case .nBest(let probability) = $0.comparison.kind { return probability == p }
            return false
        }
    }
}
