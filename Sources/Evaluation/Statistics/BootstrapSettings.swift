/// Settings of a paired bootstrap, recorded with every interval it produces.
public struct BootstrapSettings: Sendable, Hashable, Codable {
    /// Number of resamples B.
    public var resamples: Int
    /// Two-sided confidence level, e.g. 0.95.
    public var confidence: Double
    /// Seed of the SplitMix64 generator that draws the resampled utterance indices.
    public var seed: UInt64

    public init(resamples: Int = 1000, confidence: Double = 0.95, seed: UInt64 = 20_240_601) {
        self.resamples = resamples
        self.confidence = confidence
        self.seed = seed
    }

    public static let standard = BootstrapSettings()

    func validate() throws {
        guard resamples >= 1 else {
            throw EvaluationError(.invalidParameter, "bootstrap needs at least 1 resample, got \(resamples)")
        }
        guard confidence > 0, confidence < 1 else {
            throw EvaluationError(.invalidParameter, "confidence must be in (0, 1), got \(confidence)")
        }
    }
}
