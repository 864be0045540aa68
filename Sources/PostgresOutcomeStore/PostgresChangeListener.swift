import Logging
import MetricsAggregation
import PostgresNIO

/// Wakes local `changes(run:)` streams when *any* aggregator on the database stores records.
///
/// Every batch that inserts sends `NOTIFY secondpass_outcome_changes, '<run>'` (delivered at
/// commit); this listener holds one pooled connection in `LISTEN` and republishes each run. When
/// the connection drops (a server restart) it listens again once the pool reconnects, and wakes
/// every stream then, since commits made while it was not listening went unheard.
final class PostgresChangeListener: Sendable {
    static let channel = "secondpass_outcome_changes"
    private let task: Task<Void, Never>

    init(client: PostgresClient, changes: StoreChanges, logger: Logger) {
        task = Task {
            while !Task.isCancelled {
                do {
                    try await client.withConnection { connection in
                        try await connection.listen(on: Self.channel) { notifications in
                            changes.publishAll()
                            for try await notification in notifications {
                                changes.publish(runs: [notification.payload])
                            }
                        }
                    }
                } catch {
                    if Task.isCancelled { return }
                    logger.debug(
                        "change listener lost its connection; listening again",
                        metadata: ["error": "\(PostgresFailure.describe(error))"])
                }
                // Bounded by cancellation; the pool itself backs off between connection attempts.
                try? await Task.sleep(for: .milliseconds(200))
            }
        }
    }

    func stop() { task.cancel() }
}
