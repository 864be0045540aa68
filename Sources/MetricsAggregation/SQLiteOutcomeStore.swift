public import Evaluation
import Foundation
import GRDB

/// Utterance outcomes in SQLite (through GRDB), keyed by (run, condition, utterance): the embedded
/// default `OutcomeStore`, for one aggregator process (use the PostgreSQL store to share one).
///
/// The database runs in WAL mode (`DatabasePool`): readers (report computation) never block the
/// writer, and every acknowledged record is in the WAL file before `record` returns, so a
/// process killed with SIGKILL loses nothing it acknowledged. `synchronous = NORMAL` trades the
/// last commits on *power loss* for one fsync per checkpoint instead of per record; clients
/// resend unacknowledged records, and resends are idempotent (see `RecordDisposition`).
///
/// Safe to share across tasks: GRDB serialises writes and pools readers.
public final class SQLiteOutcomeStore: OutcomeStore {
    /// The path of the database file.
    public let path: String
    private let pool: DatabasePool
    private let changes = StoreChanges()

    public var location: String { path }

    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    ///
    /// - Throws: `OutcomeStoreError` (`.unavailable`) naming the path and SQLite's reason.
    public init(path: String) throws(OutcomeStoreError) {
        self.path = path
        var configuration = Configuration()
        configuration.label = "secondpass-metrics"
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            try Self.migrator.migrate(pool)
        } catch {
            throw OutcomeStoreError(
                .unavailable, "cannot open metrics database '\(path)': \(error)", cause: error)
        }
    }

    deinit { changes.finishAll() }

    /// Schema history; a new column or index is a new migration, never an edit of an old one.
    private static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-outcomes") { db in
            try db.execute(
                sql: """
                    CREATE TABLE outcome (
                        run TEXT NOT NULL,
                        condition TEXT NOT NULL,
                        utterance_id TEXT NOT NULL,
                        reference TEXT NOT NULL,
                        first_pass_texts TEXT NOT NULL,
                        first_pass_best_index INTEGER NOT NULL,
                        chosen_index INTEGER NOT NULL,
                        chosen_text TEXT NOT NULL,
                        recorded_at_ms INTEGER NOT NULL,
                        PRIMARY KEY (run, condition, utterance_id)
                    ) WITHOUT ROWID
                    """)
        }
        return migrator
    }

    /// Stores several outcomes in one transaction (one commit for the batch); one disposition each.
    ///
    /// The lookup and the insert run in one write transaction, so concurrent writers of the same
    /// key cannot both insert: exactly one sees `.inserted`, the others `.duplicate` or `.conflict`.
    public func record(_ outcomes: [UtteranceOutcome]) async throws(OutcomeStoreError) -> [RecordDisposition]
    {
        guard !outcomes.isEmpty else { return [] }
        try UtteranceOutcome.validateBatch(outcomes)
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let dispositions: [RecordDisposition]
        do {
            dispositions = try await pool.write { db in
                var result: [RecordDisposition] = []
                for outcome in outcomes {
                    if let row = try Row.fetchOne(
                        db,
                        sql: "SELECT * FROM outcome WHERE run = ? AND condition = ? AND utterance_id = ?",
                        arguments: [outcome.run, outcome.condition, outcome.utteranceID])
                    {
                        result.append(outcome.disposition(against: try Self.outcome(from: row)))
                        continue
                    }
                    try db.execute(
                        sql: """
                            INSERT INTO outcome (run, condition, utterance_id, reference, first_pass_texts,
                                first_pass_best_index, chosen_index, chosen_text, recorded_at_ms)
                            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                            """,
                        arguments: [
                            outcome.run, outcome.condition, outcome.utteranceID, outcome.reference,
                            try Self.encode(outcome.firstPassTexts), outcome.firstPassBestIndex,
                            outcome.chosenIndex, outcome.chosenText, now,
                        ])
                    result.append(.inserted)
                }
                return result
            }
        } catch let error as OutcomeStoreError {
            throw error
        } catch {
            throw OutcomeStoreError(.ioFailure, "cannot write to '\(path)': \(error)", cause: error)
        }
        let changedRuns = Set(
            zip(outcomes, dispositions).compactMap { $1 == .inserted ? $0.run : nil })
        changes.publish(runs: changedRuns)
        return dispositions
    }

    public func outcomes(run: String) async throws(OutcomeStoreError) -> OutcomeSet {
        let rows: [UtteranceOutcome]
        do {
            rows = try await pool.read { db in
                try Row.fetchAll(
                    db, sql: "SELECT * FROM outcome WHERE run = ? ORDER BY condition, utterance_id",
                    arguments: [run]
                ).map(Self.outcome(from:))
            }
        } catch let error as OutcomeStoreError {
            throw error
        } catch {
            throw OutcomeStoreError(.ioFailure, "cannot read '\(path)': \(error)", cause: error)
        }
        do {
            return try OutcomeSet(rows)
        } catch {
            throw OutcomeStoreError(
                .corrupt, "stored outcomes of run '\(run)' are invalid: \(error)", cause: error)
        }
    }

    public func count(run: String?) async throws(OutcomeStoreError) -> Int {
        do {
            return try await pool.read { db in
                if let run {
                    return try Int.fetchOne(
                        db, sql: "SELECT COUNT(*) FROM outcome WHERE run = ?", arguments: [run])
                        ?? 0
                }
                return try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outcome") ?? 0
            }
        } catch {
            throw OutcomeStoreError(.ioFailure, "cannot read '\(path)': \(error)", cause: error)
        }
    }

    public func runs() async throws(OutcomeStoreError) -> [String] {
        do {
            return try await pool.read { db in
                try String.fetchAll(db, sql: "SELECT DISTINCT run FROM outcome ORDER BY run")
            }
        } catch {
            throw OutcomeStoreError(.ioFailure, "cannot read '\(path)': \(error)", cause: error)
        }
    }

    public func changes(run: String?) -> AsyncStream<Void> {
        changes.subscribe(run: run)
    }

    public func endChangeStreams() {
        changes.finishAll()
    }

    private static func encode(_ texts: [String]) throws -> String {
        String(decoding: try JSONEncoder().encode(texts), as: UTF8.self)
    }

    private static func outcome(from row: Row) throws -> UtteranceOutcome {
        let textsJSON: String = row["first_pass_texts"]
        guard let texts = try? JSONDecoder().decode([String].self, from: Data(textsJSON.utf8)) else {
            throw OutcomeStoreError(.corrupt, "first_pass_texts is not a JSON array of strings: \(textsJSON)")
        }
        return UtteranceOutcome(
            run: row["run"], condition: row["condition"], utteranceID: row["utterance_id"],
            reference: row["reference"], firstPassTexts: texts,
            firstPassBestIndex: row["first_pass_best_index"],
            chosenIndex: row["chosen_index"], chosenText: row["chosen_text"])
    }
}
