import Foundation
import Logging
import Synchronization

/// Says once, in the log, when calls start failing because the PostgreSQL server went away, and
/// once when they succeed again, with how long the outage lasted.
///
/// The pool reconnects by itself (with its own backoff); meanwhile every call fails with
/// `.unavailable` and the aggregator answers `UNAVAILABLE`, so clients resend. Logging every
/// failed call would bury the one fact an operator needs: since when the store is unreachable.
final class PostgresAvailability: Sendable {
    private struct Outage {
        var since: ContinuousClock.Instant
        var failedCalls: Int
    }

    private let outage = Mutex<Outage?>(nil)
    private let location: String
    private let logger: Logger

    init(location: String, logger: Logger) {
        self.location = location
        self.logger = logger
    }

    /// A call failed with `.unavailable`: the first such failure starts an outage.
    func failed(_ message: String) {
        let started = outage.withLock { outage in
            if outage == nil {
                outage = Outage(since: .now, failedCalls: 1)
                return true
            }
            outage?.failedCalls += 1
            return false
        }
        if started {
            logger.warning(
                "lost the PostgreSQL store; calls answer UNAVAILABLE while the pool reconnects",
                metadata: ["store": "\(location)", "error": "\(message)"])
        }
    }

    /// A call succeeded: ends an outage, if there was one.
    func succeeded() {
        let ended = outage.withLock { outage in
            defer { outage = nil }
            return outage
        }
        guard let ended else { return }
        let elapsed = (ContinuousClock.now - ended.since).components
        let seconds = Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18
        logger.warning(
            "reached the PostgreSQL store again",
            metadata: [
                "store": "\(location)", "outage": "\(String(format: "%.1f", seconds)) s",
                "failedCalls": "\(ended.failedCalls)",
            ])
    }
}
