/// A point estimate with its bootstrap percentile confidence interval.
///
/// `estimate` is the statistic on the original sample. `lower`/`upper` are percentiles of the
/// statistic over the resamples where it is defined (linear interpolation between order
/// statistics, as numpy's default). `definedResamples` says how many of the B resamples gave a
/// defined value (a ratio is undefined when its denominator is 0); bounds are `nil` if none did.
public struct ConfidenceInterval: Sendable, Hashable, Codable {
    public var estimate: Double?
    public var lower: Double?
    public var upper: Double?
    public var confidence: Double
    public var definedResamples: Int
    public var resamples: Int

    public init(
        estimate: Double?, lower: Double?, upper: Double?, confidence: Double, definedResamples: Int,
        resamples: Int
    ) {
        self.estimate = estimate
        self.lower = lower
        self.upper = upper
        self.confidence = confidence
        self.definedResamples = definedResamples
        self.resamples = resamples
    }

    /// Whether `value` lies within [lower, upper].
    public func contains(_ value: Double) -> Bool {
        guard let lower, let upper else { return false }
        return lower <= value && value <= upper
    }

    /// The interval of `values` (unsorted, all defined) at `confidence`.
    static func percentile(
        estimate: Double?, values: [Double], confidence: Double, resamples: Int
    ) -> ConfidenceInterval {
        guard !values.isEmpty else {
            return ConfidenceInterval(
                estimate: estimate, lower: nil, upper: nil, confidence: confidence, definedResamples: 0,
                resamples: resamples)
        }
        let sorted = values.sorted()
        let tail = (1 - confidence) / 2
        return ConfidenceInterval(
            estimate: estimate, lower: quantile(sorted, tail), upper: quantile(sorted, 1 - tail),
            confidence: confidence, definedResamples: values.count, resamples: resamples)
    }

    /// Quantile `q` of ascending `sorted` by linear interpolation at position q·(n − 1).
    static func quantile(_ sorted: [Double], _ q: Double) -> Double {
        let position = q * Double(sorted.count - 1)
        let below = Int(position.rounded(.down))
        let above = min(below + 1, sorted.count - 1)
        let fraction = position - Double(below)
        return sorted[below] + (sorted[above] - sorted[below]) * fraction
    }
}
