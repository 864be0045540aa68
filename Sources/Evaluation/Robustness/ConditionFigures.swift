/// First- and second-pass figures of one run under one condition.
///
/// Not the wire message `RescoringMessages.ConditionReport`, which carries the aggregator's raw
/// counts; these figures add intervals, significance tests, oracle WER and error analysis.
///
/// The rescoring WERR compares the rescored output with the first-pass 1-best on the same
/// utterances: WERR = (WER₁ − WER₂) / WER₁, with a paired bootstrap interval; MAPSSWE tests
/// whether the rescorer's error counts differ from the first pass's (A = first pass,
/// B = second pass, so a positive mean difference means rescoring removed errors).
public struct ConditionFigures: Sendable, Hashable, Codable {
    public var run: String
    public var condition: String
    public var normalizer: TextNormalizer
    public var bootstrap: BootstrapSettings
    public var firstPass: CorpusSummary
    public var secondPass: CorpusSummary
    public var firstPassWER: ConfidenceInterval
    public var secondPassWER: ConfidenceInterval
    /// (WER₁ − WER₂) / WER₁.
    public var rescoringWERR: ConfidenceInterval
    public var firstVersusSecondPass: MatchedPairsTest
    /// Oracle WER@k of the first-pass lists for the builder's k values.
    public var oracle: [OracleWER]
    /// Oracle WER over whole lists (k = the longest list of the condition).
    public var oracleWholeList: OracleWER
    /// Most frequent second-pass errors.
    public var secondPassErrors: ErrorAnalysis

    public var utteranceCount: Int { secondPass.utteranceCount }
}
