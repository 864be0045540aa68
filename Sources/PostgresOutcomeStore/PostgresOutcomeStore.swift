public import Evaluation
public import Logging
public import MetricsAggregation
import PostgresNIO

/// Utterance outcomes in a PostgreSQL database (through postgres-nio), keyed by (run, condition,
/// utterance), so several aggregator processes can share one store.
///
/// Each batch is one transaction of `INSERT … ON CONFLICT DO NOTHING` per outcome: PostgreSQL's
/// unique index decides which writer inserts a key, across connections and processes, and a
/// writer that lost the race reads the winner's row (committed, or its own) to tell a duplicate
/// from a conflict, as `SQLiteOutcomeStore` does. A connection lost mid-batch rolls the batch
/// back, so a resent batch is never half stored; one lost after the commit (before the answer)
/// makes the resend count as duplicates, so nothing is stored twice.
///
/// Connections come from a `PostgresClient` pool that reconnects by itself after a server
/// restart; while none can be had, calls fail with `.unavailable` after `operationTimeout`.
/// Commits wake local `changes(run:)` streams and, through `NOTIFY`, those of every other
/// aggregator on the same database (see `PostgresChangeListener`).
public final class PostgresOutcomeStore: OutcomeStore {
    public let url: PostgresStoreURL
    public var location: String { url.location }
    private let client: PostgresClient
    private let clientTask: Task<Void, Never>
    private let listener: PostgresChangeListener
    private let changes: StoreChanges
    private let logger: Logger
    private let operationTimeout: Duration

    /// Connects once (so a bad address, database or password fails here, with the server's
    /// reason), creates or migrates the schema, then starts the connection pool.
    ///
    /// - Parameters:
    ///   - connectTimeout: how long one connection attempt may take.
    ///   - operationTimeout: how long one read or batch may wait for a connection and run.
    /// - Throws: `OutcomeStoreError` (`.unavailable`) with one line naming the server and why.
    public static func open(
        _ url: PostgresStoreURL, logger: Logger, connectTimeout: Duration = .seconds(10),
        operationTimeout: Duration = .seconds(10)
    ) async throws(OutcomeStoreError) -> PostgresOutcomeStore {
        do {
            try await withOperationTimeout(connectTimeout + operationTimeout) {
                let connection = try await PostgresConnection.connect(
                    configuration: .init(
                        host: url.host, port: url.port, username: url.user, password: url.password,
                        database: url.database, tls: .disable),
                    id: 0, logger: logger)
                do {
                    try await PostgresSchema.migrate(connection, logger: logger)
                } catch {
                    try? await connection.close()
                    throw error
                }
                try? await connection.close()
            }
        } catch {
            throw OutcomeStoreError(
                .unavailable,
                "cannot open the PostgreSQL store \(url.location): \(PostgresFailure.describe(error))",
                cause: error)
        }
        return PostgresOutcomeStore(
            url: url, logger: logger, connectTimeout: connectTimeout, operationTimeout: operationTimeout)
    }

    private init(url: PostgresStoreURL, logger: Logger, connectTimeout: Duration, operationTimeout: Duration)
    {
        self.url = url
        self.logger = logger
        self.operationTimeout = operationTimeout
        var configuration = PostgresClient.Configuration(
            host: url.host, port: url.port, username: url.user, password: url.password,
            database: url.database,
            tls: .disable)
        configuration.options.connectTimeout = connectTimeout
        configuration.options.maximumConnections = 8
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.client = client
        clientTask = Task { await client.run() }
        let changes = StoreChanges()
        self.changes = changes
        listener = PostgresChangeListener(client: client, changes: changes, logger: logger)
    }

    deinit {
        listener.stop()
        clientTask.cancel()
        changes.finishAll()
    }

    /// Stops the listener and the pool; later calls fail with `.unavailable`.
    public func close() {
        listener.stop()
        clientTask.cancel()
        changes.finishAll()
    }

    public func record(_ outcomes: [UtteranceOutcome]) async throws(OutcomeStoreError) -> [RecordDisposition]
    {
        guard !outcomes.isEmpty else { return [] }
        try UtteranceOutcome.validateBatch(outcomes)
        let dispositions: [RecordDisposition]
        do {
            dispositions = try await withOperationTimeout(operationTimeout) { [client, logger] in
                try await client.withTransaction(logger: logger) { connection in
                    try await Self.upsert(outcomes, on: connection, logger: logger)
                }
            }
        } catch {
            throw PostgresFailure.storeError("cannot write to \(location)", error)
        }
        let changedRuns = Set(zip(outcomes, dispositions).compactMap { $1 == .inserted ? $0.run : nil })
        changes.publish(runs: changedRuns)
        return dispositions
    }

    /// Inserts each outcome unless its key is taken, then notifies the other aggregators.
    private static func upsert(
        _ outcomes: [UtteranceOutcome], on connection: PostgresConnection, logger: Logger
    ) async throws -> [RecordDisposition] {
        var result: [RecordDisposition] = []
        var changedRuns = Set<String>()
        for outcome in outcomes {
            let inserted = try await connection.query(
                """
                INSERT INTO outcome (run, condition, utterance_id, reference, first_pass_texts,
                    first_pass_best_index, chosen_index, chosen_text)
                VALUES (\(outcome.run), \(outcome.condition), \(outcome.utteranceID), \(outcome.reference),
                    \(outcome.firstPassTexts), \(outcome.firstPassBestIndex), \(outcome.chosenIndex),
                    \(outcome.chosenText))
                ON CONFLICT (run, condition, utterance_id) DO NOTHING
                RETURNING 1
                """, logger: logger)
            var isNew = false
            for try await _ in inserted { isNew = true }
            if isNew {
                result.append(.inserted)
                changedRuns.insert(outcome.run)
                continue
            }
            // The conflicting row is committed (the insert waited for its writer) or our own.
            guard
                let stored = try await selectOutcomes(
                    on: connection,
                    """
                    WHERE run = \(outcome.run) AND condition = \(outcome.condition)
                        AND utterance_id = \(outcome.utteranceID)
                    """, logger: logger
                ).first
            else {
                throw OutcomeStoreError(
                    .ioFailure,
                    "\(outcome.run)/\(outcome.condition)/\(outcome.utteranceID): neither inserted nor found")
            }
            result.append(outcome.disposition(against: stored))
        }
        for run in changedRuns.sorted() {
            // Delivered at commit, to every LISTEN session (ours too: it is deduplicated below).
            try await connection.query(
                "SELECT pg_notify(\(PostgresChangeListener.channel), \(run))", logger: logger)
        }
        return result
    }

    public func outcomes(run: String) async throws(OutcomeStoreError) -> OutcomeSet {
        let rows: [UtteranceOutcome]
        do {
            rows = try await withOperationTimeout(operationTimeout) { [client, logger] in
                try await client.withConnection { connection in
                    try await Self.selectOutcomes(
                        on: connection,
                        #"WHERE run = \#(run) ORDER BY condition COLLATE "C", utterance_id COLLATE "C""#,
                        logger: logger)
                }
            }
        } catch {
            throw PostgresFailure.storeError("cannot read \(location)", error)
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
            return try await withOperationTimeout(operationTimeout) { [client, logger] in
                let query: PostgresQuery =
                    if let run {
                        "SELECT COUNT(*) FROM outcome WHERE run = \(run)"
                    } else {
                        "SELECT COUNT(*) FROM outcome"
                    }
                var count = 0
                for try await value in try await client.query(query, logger: logger).decode(Int.self) {
                    count = value
                }
                return count
            }
        } catch {
            throw PostgresFailure.storeError("cannot read \(location)", error)
        }
    }

    public func runs() async throws(OutcomeStoreError) -> [String] {
        do {
            return try await withOperationTimeout(operationTimeout) { [client, logger] in
                var runs: [String] = []
                let rows = try await client.query(
                    #"SELECT DISTINCT run COLLATE "C" FROM outcome ORDER BY 1"#, logger: logger)
                for try await run in rows.decode(String.self) { runs.append(run) }
                return runs
            }
        } catch {
            throw PostgresFailure.storeError("cannot read \(location)", error)
        }
    }

    public func changes(run: String?) -> AsyncStream<Void> {
        changes.subscribe(run: run)
    }

    public func endChangeStreams() {
        changes.finishAll()
    }

    /// The outcomes `condition` (a `WHERE …` clause with bound values) selects.
    private static func selectOutcomes(
        on connection: PostgresConnection, _ condition: PostgresQuery, logger: Logger
    ) async throws -> [UtteranceOutcome] {
        var query: PostgresQuery = """
            SELECT run, condition, utterance_id, reference, first_pass_texts, first_pass_best_index,
                chosen_index, chosen_text FROM outcome
            """
        query.sql += " " + condition.sql
        query.binds = condition.binds
        var result: [UtteranceOutcome] = []
        let rows = try await connection.query(query, logger: logger)
        for try await (run, condition, utterance, reference, texts, best, chosen, chosenText) in rows.decode(
            (String, String, String, String, [String], Int, Int, String).self)
        {
            result.append(
                UtteranceOutcome(
                    run: run, condition: condition, utteranceID: utterance, reference: reference,
                    firstPassTexts: texts, firstPassBestIndex: best, chosenIndex: chosen,
                    chosenText: chosenText))
        }
        return result
    }
}
