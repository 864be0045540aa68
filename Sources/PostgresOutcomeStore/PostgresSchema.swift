import Logging
import PostgresNIO

/// The PostgreSQL schema and its history, applied at start by whichever aggregator gets there
/// first.
///
/// Migrations run in one transaction under an advisory lock, so two aggregators starting at once
/// against an empty database do not both create the table; the second sees the first's row in
/// `secondpass_schema_migrations` and skips. A new column or index is a new migration, never an
/// edit of an old one (as for the SQLite store).
enum PostgresSchema {
    /// (name, SQL) in order.
    static let migrations: [(name: String, sql: String)] = [
        (
            "v1-outcomes",
            """
            CREATE TABLE outcome (
                run TEXT NOT NULL,
                condition TEXT NOT NULL,
                utterance_id TEXT NOT NULL,
                reference TEXT NOT NULL,
                first_pass_texts TEXT[] NOT NULL,
                first_pass_best_index BIGINT NOT NULL,
                chosen_index BIGINT NOT NULL,
                chosen_text TEXT NOT NULL,
                recorded_at TIMESTAMPTZ NOT NULL DEFAULT now(),
                PRIMARY KEY (run, condition, utterance_id)
            )
            """
        )
    ]

    /// An arbitrary constant naming this schema's advisory lock.
    private static let lockKey = 7_305_117_118

    static func migrate(_ connection: PostgresConnection, logger: Logger) async throws {
        try await connection.withTransaction(logger: logger) { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(\(lockKey))", logger: logger)
            try await connection.query(
                """
                CREATE TABLE IF NOT EXISTS secondpass_schema_migrations (
                    name TEXT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())
                """, logger: logger)
            var applied = Set<String>()
            let rows = try await connection.query(
                "SELECT name FROM secondpass_schema_migrations", logger: logger)
            for try await name in rows.decode(String.self) { applied.insert(name) }
            for migration in migrations where !applied.contains(migration.name) {
                try await connection.query(PostgresQuery(unsafeSQL: migration.sql), logger: logger)
                try await connection.query(
                    "INSERT INTO secondpass_schema_migrations (name) VALUES (\(migration.name))",
                    logger: logger)
                logger.info("applied PostgreSQL migration", metadata: ["migration": "\(migration.name)"])
            }
        }
    }
}
