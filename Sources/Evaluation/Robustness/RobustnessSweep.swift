/// Robustness figures of one run for several perturbations (conditions of a sweep).
///
/// Not the wire message `RescoringMessages.RobustnessReport`, which carries the aggregator's
/// per-condition rates without intervals.
public struct RobustnessSweep: Sendable, Hashable, Codable {
    public var run: String
    public var normalizer: TextNormalizer
    public var bootstrap: BootstrapSettings
    public var figures: [RobustnessFigures]
}
