import PostgresNIO
import Synchronization

/// An operation on the store took longer than its limit (the server is likely unreachable).
struct OperationTimedOut: Error, CustomStringConvertible {
    let limit: Duration
    var description: String { "no answer from PostgreSQL within \(limit)" }
}

/// The connection an operation runs on, so that its time limit can close it.
///
/// postgres-nio does not cancel a query in flight: a task cancelled while it waits for the
/// server's answer keeps waiting. A connection whose server vanished without closing it (a
/// container stopped and started again at a new address) never answers, so the wait would last
/// until TCP gives up, many minutes, and the `Record` call with it. Closing the connection fails
/// the query at once; the pool then drops the connection and opens a new one.
final class OperationConnection: Sendable {
    private struct State {
        var connection: PostgresConnection?
        var timedOut = false
    }

    private let state = Mutex(State())

    /// Registers `connection` as the one the operation runs on.
    ///
    /// - Throws: `CancellationError` when the time limit has already passed (closing it).
    func use(_ connection: PostgresConnection) throws {
        let late = state.withLock { state in
            state.connection = connection
            return state.timedOut
        }
        if late {
            let _: EventLoopFuture<Void> = connection.close()
            throw CancellationError()
        }
    }

    /// Whether the limit passed (the body's own failure is then a consequence of the close).
    var hasTimedOut: Bool { state.withLock { $0.timedOut } }

    /// The limit passed: closes the registered connection, if any.
    func timeOut() {
        let connection = state.withLock { state in
            state.timedOut = true
            return state.connection
        }
        let _: EventLoopFuture<Void>? = connection?.close()
    }
}

/// Runs `body`, failing with `OperationTimedOut` after `limit`; `body` is cancelled then, and the
/// connection it registered with its `OperationConnection` is closed, so it ends promptly.
func withOperationTimeout<T: Sendable>(
    _ limit: Duration, _ body: @escaping @Sendable (OperationConnection) async throws -> T
) async throws -> T {
    let watch = OperationConnection()
    do {
        return try await withThrowingTaskGroup(of: T.self) { group in
            group.addTask { try await body(watch) }
            group.addTask {
                try await Task.sleep(for: limit)
                watch.timeOut()
                throw OperationTimedOut(limit: limit)
            }
            defer { group.cancelAll() }
            guard let first = try await group.next() else { throw OperationTimedOut(limit: limit) }
            return first
        }
    } catch {
        // The body may fail first, with "connection closed by the client": say why it was closed.
        if watch.hasTimedOut { throw OperationTimedOut(limit: limit) }
        throw error
    }
}
