/// When each utterance of a run is released: at a fixed rate, or all at once.
///
/// Release times are offsets from the run's start (utterance *i* at *i / rate*), not gaps after
/// the previous one, so a slow moment does not shift every later utterance.
public struct PacingSchedule: Sendable, Hashable {
    /// Utterances per second; nil means as fast as the replicas take them.
    public var rate: Double?

    public init(rate: Double?) {
        self.rate = rate
    }

    /// The offset from the start at which utterance `index` is released.
    public func offset(of index: Int) -> Duration {
        guard let rate, rate > 0 else { return .zero }
        return .nanoseconds(Int64((Double(index) / rate * 1e9).rounded()))
    }
}
