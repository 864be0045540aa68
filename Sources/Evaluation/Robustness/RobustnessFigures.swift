/// Robustness of one run to one perturbation, on the utterances present in both conditions.
///
/// With WER₂ the rescored WER and WER₁ the first-pass 1-best WER (see Docs/metrics.md):
/// - `relativeDegradation` = (WER₂(perturbed) − WER₂(clean)) / WER₂(clean): D1, D1-twin or NPRR;
///   undefined when WER₂(clean) = 0.
/// - `firstPassNormalizedRatio` = (WER₂(perturbed) − WER₂(clean)) / (WER₁(perturbed) − WER₁(clean)):
///   how much of the first-pass damage survives rescoring; undefined when WER₁ did not change.
/// - `flipRate`: share of utterances whose chosen index differs between clean and perturbed.
/// - `textChangeRate`: share whose normalised chosen text differs (a homophone-perturbed 1-best
///   chosen in both conditions changes text but does not flip).
/// Every figure carries a paired bootstrap interval over utterances.
public struct RobustnessFigures: Sendable, Hashable, Codable {
    public var comparison: PerturbationComparison
    public var matchedUtterances: Int
    /// Utterances only in the clean condition (ignored).
    public var onlyClean: Int
    /// Utterances only in the perturbed condition (ignored).
    public var onlyPerturbed: Int
    public var secondPassClean: ConfidenceInterval
    public var secondPassPerturbed: ConfidenceInterval
    public var firstPassClean: ConfidenceInterval
    public var firstPassPerturbed: ConfidenceInterval
    public var relativeDegradation: ConfidenceInterval
    public var firstPassNormalizedRatio: ConfidenceInterval
    public var flipRate: ConfidenceInterval
    public var textChangeRate: ConfidenceInterval
}
