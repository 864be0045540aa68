import Logging
import MetricsAggregation
import PostgresNIO

/// Wakes local `changes(run:)` streams when *any* aggregator on the database stores records.
///
/// Every batch that inserts sends `NOTIFY secondpass_outcome_changes, '<run>'` (delivered at
/// commit); this listener holds one pooled connection in `LISTEN` and republishes each run. When
/// the connection drops (a server restart) it listens again once the pool reconnects, and wakes
/// every stream then, since commits made while it was not listening went unheard.
///
/// A listening connection only reads, so one whose server vanished without closing it (a
/// container stopped and started at a new address) would wait in silence for ever: every
/// `probeInterval` a `SELECT 1` on it must answer within `probeTimeout`, or the connection is
/// closed and the listener starts again on a fresh one.
final class PostgresChangeListener: Sendable {
    static let channel = "secondpass_outcome_changes"
    static let probeInterval: Duration = .seconds(15)
    static let probeTimeout: Duration = .seconds(10)
    private let task: Task<Void, Never>

    init(client: PostgresClient, changes: StoreChanges, logger: Logger) {
        task = Task {
            while !Task.isCancelled {
                do {
                    try await client.withConnection { connection in
                        try await withThrowingTaskGroup(of: Void.self) { group in
                            group.addTask {
                                try await connection.listen(on: Self.channel) { notifications in
                                    changes.publishAll()
                                    for try await notification in notifications {
                                        changes.publish(runs: [notification.payload])
                                    }
                                }
                            }
                            group.addTask { try await Self.probe(connection, logger: logger) }
                            // Whichever ends first (the connection failed) ends the other.
                            defer { group.cancelAll() }
                            try await group.next()
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

    /// Checks `connection` every `probeInterval` until it fails to answer in time (closing it).
    private static func probe(_ connection: PostgresConnection, logger: Logger) async throws {
        while true {
            try await Task.sleep(for: probeInterval)
            try await withOperationTimeout(probeTimeout) { watch in
                try watch.use(connection)
                try await connection.query("SELECT 1", logger: logger)
            }
        }
    }

    func stop() { task.cancel() }
}
