import Foundation

/// Where a PostgreSQL store is: `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE` (or `postgresql://`).
///
/// Parsed up front so a bad `--database` is one clear line at start, not a connection error later.
/// The password may also come from a file (`--database-password-file`), which keeps it out of
/// `ps` output and shell history; a password in both places is refused as ambiguous.
public struct PostgresStoreURL: Sendable, Equatable {
    public var host: String
    public var port: Int
    public var user: String
    public var password: String?
    public var database: String

    public init(host: String, port: Int = 5432, user: String, password: String? = nil, database: String) {
        self.host = host
        self.port = port
        self.user = user
        self.password = password
        self.database = database
    }

    /// Whether `text` names a PostgreSQL store rather than an SQLite file.
    public static func isPostgres(_ text: String) -> Bool {
        let lower = text.lowercased()
        return lower.hasPrefix("postgres://") || lower.hasPrefix("postgresql://")
    }

    /// Parses `text`; percent-escapes in the user and password are decoded.
    ///
    /// - Throws: `PostgresStoreURLError` naming what is missing or malformed.
    public init(parsing text: String) throws(PostgresStoreURLError) {
        guard Self.isPostgres(text) else {
            throw PostgresStoreURLError(
                "'\(Self.redacted(text))' does not start with postgres:// or postgresql://")
        }
        guard let components = URLComponents(string: text) else {
            throw PostgresStoreURLError("'\(Self.redacted(text))' is not a valid URL")
        }
        guard let host = components.host, !host.isEmpty else {
            throw PostgresStoreURLError(
                "'\(Self.redacted(text))' names no host (postgres://USER@HOST:PORT/DB)")
        }
        guard let user = components.user, !user.isEmpty else {
            throw PostgresStoreURLError(
                "'\(Self.redacted(text))' names no user (postgres://USER@HOST:PORT/DB)")
        }
        let database = String(components.path.drop(while: { $0 == "/" }))
        guard !database.isEmpty, !database.contains("/") else {
            throw PostgresStoreURLError(
                "'\(Self.redacted(text))' names no database, or more than one path segment (postgres://USER@HOST:PORT/DB)"
            )
        }
        if let query = components.query, !query.isEmpty {
            throw PostgresStoreURLError(
                "'\(Self.redacted(text))' has parameters (?\(query)); none are supported (the connection is unencrypted: keep it on a private network)"
            )
        }
        let port = components.port ?? 5432
        guard (1...65535).contains(port) else {
            throw PostgresStoreURLError("'\(Self.redacted(text))' has port \(port), not 1...65535")
        }
        self.host = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        self.port = port
        self.user = components.user?.removingPercentEncoding ?? user
        self.password = components.password.map { $0.removingPercentEncoding ?? $0 }
        self.database = database.removingPercentEncoding ?? database
    }

    /// The URL without its password, for log lines and messages.
    public var location: String {
        let hostPart = host.contains(":") ? "[\(host)]" : host
        return "postgres://\(user)@\(hostPart):\(port)/\(database)"
    }

    /// `text` with any password replaced by `***`, so error messages never print one.
    static func redacted(_ text: String) -> String {
        guard let schemeEnd = text.range(of: "://"),
            let at = text[schemeEnd.upperBound...].lastIndex(of: "@"),
            let colon = text[schemeEnd.upperBound..<at].firstIndex(of: ":")
        else { return text }
        return String(text[..<text.index(after: colon)]) + "***" + String(text[at...])
    }
}

/// Why a `postgres://` URL was refused; `message` is one line for an operator.
public struct PostgresStoreURLError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { "bad PostgreSQL URL: \(message)" }
}
