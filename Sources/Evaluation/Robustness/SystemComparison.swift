/// Paired comparison of two runs (systems) on the same utterances of one condition.
///
/// `difference` = WER_system − WER_baseline (negative is an improvement) and
/// `werr` = (WER_baseline − WER_system) / WER_baseline, both with paired bootstrap intervals;
/// MAPSSWE with A = baseline, B = system.
public struct SystemComparison: Sendable, Hashable, Codable {
    public var baselineRun: String
    public var systemRun: String
    public var condition: String
    public var matchedUtterances: Int
    public var onlyBaseline: Int
    public var onlySystem: Int
    public var normalizer: TextNormalizer
    public var bootstrap: BootstrapSettings
    public var baselineWER: ConfidenceInterval
    public var systemWER: ConfidenceInterval
    public var difference: ConfidenceInterval
    public var werr: ConfidenceInterval
    public var matchedPairs: MatchedPairsTest
}
