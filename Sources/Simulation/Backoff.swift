import SeededRandom

/// Exponential reconnect delays with jitter: `initial · 2^(attempt−1)`, capped at `maximum`,
/// each scaled by a factor drawn from [0.5, 1) so replicas restarted together are not all
/// retried in the same instant.
public struct Backoff: Sendable {
    public var initial: Duration
    public var maximum: Duration
    private var generator: SplitMix64

    public init(initial: Duration = .milliseconds(100), maximum: Duration = .seconds(2), seed: UInt64 = 1) {
        self.initial = initial
        self.maximum = maximum
        generator = SplitMix64(seed: seed)
    }

    /// The delay before reconnect attempt `attempt` (1 for the first retry).
    public mutating func delay(attempt: Int) -> Duration {
        let exponent = min(max(attempt - 1, 0), 30)
        let uncapped = initial * (1 << exponent)
        let base = min(uncapped, maximum)
        let factor = 0.5 + 0.5 * generator.nextUnit()
        return base * factor
    }
}
