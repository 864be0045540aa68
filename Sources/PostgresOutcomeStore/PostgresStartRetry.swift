/// How a PostgreSQL store that cannot be reached at start keeps trying: after attempt `n` fails it
/// waits `initialDelay · 2^(n-1)`, never more than `maximumDelay`, and tries again until the
/// server answers, a failure that retrying cannot cure (a refused login, a missing database), or
/// shutdown.
///
/// A container orchestrator may start the aggregator before PostgreSQL, or restart either at any
/// time: exiting then would only trade a short outage for a restart loop, while waiting with
/// health `NOT_SERVING` and `UNAVAILABLE` answers lets clients resend once the store is back.
public struct PostgresStartRetry: Sendable, Equatable {
    public var initialDelay: Duration
    public var maximumDelay: Duration

    public init(initialDelay: Duration = .milliseconds(250), maximumDelay: Duration = .seconds(5)) {
        self.initialDelay = initialDelay
        self.maximumDelay = max(initialDelay, maximumDelay)
    }

    /// The pause after failed attempt `attempt` (1-based).
    public func delay(after attempt: Int) -> Duration {
        var delay = initialDelay
        // Bounded: at most 62 doublings, and it stops at the cap.
        for _ in 1..<max(1, min(attempt, 63)) where delay < maximumDelay {
            delay *= 2
        }
        return min(delay, maximumDelay)
    }
}
