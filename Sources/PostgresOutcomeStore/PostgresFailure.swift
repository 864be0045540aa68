import MetricsAggregation
import PostgresNIO

/// Turns postgres-nio's errors into one operator line and an `OutcomeStoreError` code.
///
/// `PSQLError.description` is deliberately generic (it may reach end users); an aggregator's
/// operator needs the server's message, SQLSTATE or the socket error, which are read here.
/// Lost connections, refused connects and server shutdowns are `.unavailable`: the caller answers
/// `UNAVAILABLE` and the client resends, which the idempotent upsert makes safe.
enum PostgresFailure {
    /// Wraps `error` as an `OutcomeStoreError` whose message starts with `context`.
    static func storeError(_ context: String, _ error: any Error) -> OutcomeStoreError {
        if let error = error as? OutcomeStoreError { return error }
        return OutcomeStoreError(
            isUnavailable(error) ? .unavailable : .ioFailure, "\(context): \(describe(error))", cause: error)
    }

    /// One line saying what went wrong, without the query's bound values or any password.
    static func describe(_ error: any Error) -> String {
        if let transaction = error as? PostgresTransactionError {
            if let inner = transaction.beginError ?? transaction.closureError ?? transaction.commitError {
                return describe(inner)
            }
            return "the transaction failed"
        }
        guard let psql = error as? PSQLError else { return "\(error)" }
        if let info = psql.serverInfo {
            let state = info[.sqlState].map { " (SQLSTATE \($0))" } ?? ""
            return "\(info[.message] ?? "server error")\(state)"
        }
        switch psql.code {
        case .authMechanismRequiresPassword:
            return "the server asks for a password; give it in the URL or with --database-password-file"
        case .serverClosedConnection, .uncleanShutdown:
            return "the server closed the connection"
        case .poolClosed, .clientClosedConnection:
            return "the store is closed"
        default:
            if let underlying = psql.underlying { return "\(underlying)" }
            return "\(psql.code)"
        }
    }

    /// Whether the server could not be reached or went away (retrying later may succeed).
    static func isUnavailable(_ error: any Error) -> Bool {
        if let transaction = error as? PostgresTransactionError {
            return [transaction.beginError, transaction.closureError, transaction.commitError]
                .compactMap { $0 }.contains(where: isUnavailable)
        }
        if error is OperationTimedOut || error is CancellationError { return true }
        // A row that does not decode stays so on a retry: a failure, not an outage.
        if error is PostgresDecodingError { return false }
        guard let psql = error as? PSQLError else {
            // The pool's own errors (lease cancelled, pool shut down) and socket errors.
            return true
        }
        switch psql.code {
        case .connectionError, .serverClosedConnection, .clientClosedConnection, .uncleanShutdown,
            .poolClosed,
            .queryCancelled:
            return true
        case .server:
            // Class 08: connection exception; 57: operator intervention (shutdown, restart);
            // 53: insufficient resources (too many connections).
            let state = psql.serverInfo?[.sqlState] ?? ""
            return state.hasPrefix("08") || state.hasPrefix("57") || state.hasPrefix("53")
        default:
            return false
        }
    }
}
