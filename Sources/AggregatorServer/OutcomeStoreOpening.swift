import Foundation
public import Logging
public import MetricsAggregation
public import PostgresOutcomeStore

/// Opens the store `--database` names: a `postgres://` or `postgresql://` URL is a shared
/// PostgreSQL store, anything else an SQLite file (the embedded default).
public enum OutcomeStoreOpening {
    /// - Parameters:
    ///   - database: an SQLite path or a PostgreSQL URL.
    ///   - passwordFile: a file whose first line is the PostgreSQL password (not with SQLite, and
    ///     not together with a password in the URL).
    ///   - retry: how a PostgreSQL store keeps trying to reach its server; `nil` fails at the
    ///     first attempt.
    /// - Returns: an SQLite store ready to serve, or a PostgreSQL store that reaches its server in
    ///   the background (`waitUntilReady()`; meanwhile its calls fail with `.unavailable`).
    /// - Throws: `OutcomeStoreError` (`.unavailable`) with one line for the operator: a bad URL,
    ///   an unreadable password file, or SQLite's reason.
    public static func open(
        database: String, passwordFile: String? = nil, logger: Logger, connectTimeout: Duration = .seconds(3),
        retry: PostgresStartRetry? = PostgresStartRetry()
    ) throws(OutcomeStoreError) -> any OutcomeStore {
        guard PostgresStoreURL.isPostgres(database) else {
            if passwordFile != nil {
                throw OutcomeStoreError(
                    .unavailable,
                    "--database-password-file applies to a postgres:// database, not an SQLite file")
            }
            return try SQLiteOutcomeStore(path: database)
        }
        var url: PostgresStoreURL
        do {
            url = try PostgresStoreURL(parsing: database)
        } catch {
            throw OutcomeStoreError(.unavailable, error.description, cause: error)
        }
        if let passwordFile {
            guard url.password == nil else {
                throw OutcomeStoreError(
                    .unavailable,
                    "the PostgreSQL URL has a password and --database-password-file gives another")
            }
            url.password = try readPassword(passwordFile)
        }
        return PostgresOutcomeStore.start(url, logger: logger, connectTimeout: connectTimeout, retry: retry)
    }

    /// The first line of `path` (a trailing newline is not part of the password).
    private static func readPassword(_ path: String) throws(OutcomeStoreError) -> String {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw OutcomeStoreError(
                .unavailable, "cannot read the password file '\(path)': \(error.localizedDescription)")
        }
        let password = text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first.map {
            String($0.hasSuffix("\r") ? $0.dropLast() : $0)
        }
        guard let password, !password.isEmpty else {
            throw OutcomeStoreError(.unavailable, "the password file '\(path)' is empty")
        }
        return password
    }
}
