public import Evaluation
public import Logging
public import MetricsAggregation
import PostgresNIO
import Synchronization

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
/// `start` returns at once and reaches the server in the background, retrying with bounded
/// backoff (`PostgresStartRetry`) while it cannot be reached; until then every call fails with
/// `.unavailable` naming the last reason, and `waitUntilReady()` says when it is over. Once
/// reached, connections come from a `PostgresClient` pool that reconnects by itself after a
/// server restart (every connect resolves the host name again, so a server back at a new address
/// is found); while none can be had, calls fail with `.unavailable` after `operationTimeout`.
/// Commits wake local `changes(run:)` streams and, through `NOTIFY`, those of every other
/// aggregator on the same database (see `PostgresChangeListener`).
public final class PostgresOutcomeStore: OutcomeStore {
    public let url: PostgresStoreURL
    public var location: String { url.location }
    private let phase: Mutex<Phase>
    private let startup: Mutex<Task<Void, Never>?>
    private let firstAttempt = Gate()
    private let changes: StoreChanges
    private let availability: PostgresAvailability
    private let logger: Logger
    private let operationTimeout: Duration

    /// Where the store is on its way to serving.
    private enum Phase: Sendable {
        /// Not reached yet: `attempts` failed so far, the last for `lastFailure`.
        case connecting(attempts: Int, lastFailure: String?)
        case ready(Pool)
        /// A failure retrying cannot cure (or the first failure, without retries).
        case failed(OutcomeStoreError)
        case closed
    }

    /// The connection pool and the change listener, started once the schema is in place.
    private struct Pool: Sendable {
        let client: PostgresClient
        let task: Task<Void, Never>
        let listener: PostgresChangeListener

        func stop() {
            listener.stop()
            task.cancel()
        }
    }

    /// Returns at once and reaches the server in the background: connects once (so a bad
    /// database or password shows with the server's reason), creates or migrates the schema, then
    /// starts the connection pool. While the server cannot be reached (refused, unresolvable, no
    /// answer, starting up) it logs one warning per attempt and retries after `retry`'s delay;
    /// with `retry` nil the first failure is final.
    ///
    /// - Parameters:
    ///   - connectTimeout: how long one connection attempt may take (name resolution included).
    ///   - operationTimeout: how long one read or batch may wait for a connection and run.
    public static func start(
        _ url: PostgresStoreURL, logger: Logger, connectTimeout: Duration = .seconds(3),
        operationTimeout: Duration = .seconds(10), retry: PostgresStartRetry? = PostgresStartRetry()
    ) -> PostgresOutcomeStore {
        let store = PostgresOutcomeStore(url: url, logger: logger, operationTimeout: operationTimeout)
        let firstAttempt = store.firstAttempt
        let task = Task { [weak store] in
            defer { firstAttempt.open() }
            var attempt = 0
            while !Task.isCancelled {
                attempt += 1
                do {
                    try await connectAndMigrate(
                        url, logger: logger, connectTimeout: connectTimeout,
                        operationTimeout: operationTimeout)
                    store?.becomeReady(connectTimeout: connectTimeout)
                    return
                } catch {
                    let failure = PostgresFailure.storeError(
                        "cannot open the PostgreSQL store \(url.location)", error)
                    guard let store else { return }
                    guard let retry, failure.code == .unavailable, !Task.isCancelled else {
                        store.fail(failure)
                        return
                    }
                    let delay = retry.delay(after: attempt)
                    store.phase.withLock { phase in
                        if case .connecting = phase {
                            phase = .connecting(attempts: attempt, lastFailure: failure.message)
                        }
                    }
                    logger.warning(
                        "cannot reach the PostgreSQL store yet; health is NOT_SERVING, retrying",
                        metadata: [
                            "attempt": "\(attempt)", "retryIn": "\(delay)", "error": "\(failure.message)",
                        ])
                    firstAttempt.open()
                    try? await Task.sleep(for: delay)
                }
            }
        }
        store.startup.withLock { $0 = task }
        return store
    }

    /// Starts the store without retries and waits until it is ready.
    ///
    /// - Throws: `OutcomeStoreError` (`.unavailable` when the server cannot be reached) with one
    ///   line naming the server and why.
    public static func open(
        _ url: PostgresStoreURL, logger: Logger, connectTimeout: Duration = .seconds(10),
        operationTimeout: Duration = .seconds(10)
    ) async throws(OutcomeStoreError) -> PostgresOutcomeStore {
        let store = start(
            url, logger: logger, connectTimeout: connectTimeout, operationTimeout: operationTimeout,
            retry: nil)
        try await store.waitUntilReady()
        return store
    }

    /// One connection: fails with the server's reason, or creates or migrates the schema.
    private static func connectAndMigrate(
        _ url: PostgresStoreURL, logger: Logger, connectTimeout: Duration, operationTimeout: Duration
    ) async throws {
        var configuration = PostgresConnection.Configuration(
            host: url.host, port: url.port, username: url.user, password: url.password,
            database: url.database, tls: .disable)
        configuration.options.connectTimeout = TimeAmount(connectTimeout)
        try await withOperationTimeout(connectTimeout + operationTimeout) { [configuration] watch in
            let connection = try await PostgresConnection.connect(
                configuration: configuration, id: 0, logger: logger)
            do {
                try watch.use(connection)
                try await PostgresSchema.migrate(connection, logger: logger)
            } catch {
                try? await connection.close()
                throw error
            }
            try? await connection.close()
        }
    }

    private init(url: PostgresStoreURL, logger: Logger, operationTimeout: Duration) {
        self.url = url
        self.logger = logger
        self.operationTimeout = operationTimeout
        phase = Mutex(.connecting(attempts: 0, lastFailure: nil))
        startup = Mutex(nil)
        changes = StoreChanges()
        availability = PostgresAvailability(location: url.location, logger: logger)
    }

    /// Starts the pool and the change listener, unless the store was closed meanwhile.
    private func becomeReady(connectTimeout: Duration) {
        var configuration = PostgresClient.Configuration(
            host: url.host, port: url.port, username: url.user, password: url.password,
            database: url.database,
            tls: .disable)
        configuration.options.connectTimeout = connectTimeout
        configuration.options.maximumConnections = 8
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        let pool = Pool(
            client: client, task: Task { await client.run() },
            listener: PostgresChangeListener(client: client, changes: changes, logger: logger))
        let installed = phase.withLock { phase in
            guard case .connecting = phase else { return false }
            phase = .ready(pool)
            return true
        }
        if !installed { pool.stop() }
    }

    private func fail(_ failure: OutcomeStoreError) {
        phase.withLock { phase in
            if case .connecting = phase { phase = .failed(failure) }
        }
    }

    deinit {
        close()
    }

    /// Stops the start-up attempts, the listener and the pool; later calls fail with `.unavailable`.
    public func close() {
        startup.withLock { $0?.cancel() }
        let previous = phase.withLock { phase in
            defer { phase = .closed }
            return phase
        }
        if case .ready(let pool) = previous { pool.stop() }
        changes.finishAll()
    }

    public var isReady: Bool {
        phase.withLock { phase in
            if case .ready = phase { return true }
            return false
        }
    }

    /// Returns once the server was reached and the schema is in place.
    ///
    /// - Throws: `OutcomeStoreError`: the failure retrying cannot cure (or, without retries, the
    ///   first one); `.unavailable` when the store was closed or the wait cancelled first.
    public func waitUntilReady() async throws(OutcomeStoreError) {
        if let task = startup.withLock({ $0 }) {
            await withTaskCancellationHandler {
                await task.value
            } onCancel: {
                task.cancel()
            }
        }
        _ = try client()
    }

    /// Returns once the first attempt to reach the server has ended.
    ///
    /// - Throws: the failure when that attempt failed for good (a refused login, a missing
    ///   database), so a server can say so in one line before it starts serving.
    public func firstAttemptEnded() async throws(OutcomeStoreError) {
        await firstAttempt.wait()
        if case .failed(let failure) = phase.withLock({ $0 }) { throw failure }
    }

    /// The pool, or why there is none (yet).
    private func client() throws(OutcomeStoreError) -> PostgresClient {
        switch phase.withLock({ $0 }) {
        case .ready(let pool):
            return pool.client
        case .connecting(let attempts, let lastFailure):
            throw OutcomeStoreError(
                .unavailable,
                "the PostgreSQL store \(location) is not reachable yet (\(attempts) attempts"
                    + (lastFailure.map { "; last: \($0)" } ?? "") + ")")
        case .failed(let failure):
            throw failure
        case .closed:
            throw OutcomeStoreError(.unavailable, "the PostgreSQL store \(location) is closed")
        }
    }

    /// Runs `body` on a pooled connection within `operationTimeout` (closing the connection when
    /// that passes); an `.unavailable` failure starts or continues an outage in the log, a
    /// success ends it.
    private func withConnection<T: Sendable>(
        _ context: String, _ body: @escaping @Sendable (PostgresConnection) async throws -> T
    ) async throws(OutcomeStoreError) -> T {
        let client = try client()
        do {
            let result = try await withOperationTimeout(operationTimeout) { watch in
                try await client.withConnection { connection in
                    try watch.use(connection)
                    return try await body(connection)
                }
            }
            availability.succeeded()
            return result
        } catch {
            let failure = PostgresFailure.storeError("\(context) \(location)", error)
            if failure.code == .unavailable { availability.failed(failure.message) }
            throw failure
        }
    }

    public func record(_ outcomes: [UtteranceOutcome]) async throws(OutcomeStoreError) -> [RecordDisposition]
    {
        guard !outcomes.isEmpty else { return [] }
        try UtteranceOutcome.validateBatch(outcomes)
        let dispositions = try await withConnection("cannot write to") { [logger] connection in
            try await connection.withTransaction(logger: logger) { connection in
                try await Self.upsert(outcomes, on: connection, logger: logger)
            }
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
        let rows = try await withConnection("cannot read") { [logger] connection in
            try await Self.selectOutcomes(
                on: connection,
                #"WHERE run = \#(run) ORDER BY condition COLLATE "C", utterance_id COLLATE "C""#,
                logger: logger)
        }
        do {
            return try OutcomeSet(rows)
        } catch {
            throw OutcomeStoreError(
                .corrupt, "stored outcomes of run '\(run)' are invalid: \(error)", cause: error)
        }
    }

    public func count(run: String?) async throws(OutcomeStoreError) -> Int {
        try await withConnection("cannot read") { [logger] connection in
            let query: PostgresQuery =
                if let run {
                    "SELECT COUNT(*) FROM outcome WHERE run = \(run)"
                } else {
                    "SELECT COUNT(*) FROM outcome"
                }
            var count = 0
            for try await value in try await connection.query(query, logger: logger).decode(Int.self) {
                count = value
            }
            return count
        }
    }

    public func runs() async throws(OutcomeStoreError) -> [String] {
        try await withConnection("cannot read") { [logger] connection in
            var runs: [String] = []
            let rows = try await connection.query(
                #"SELECT DISTINCT run COLLATE "C" FROM outcome ORDER BY 1"#, logger: logger)
            for try await run in rows.decode(String.self) { runs.append(run) }
            return runs
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

/// Opens once; `wait()` returns once it is open.
private final class Gate: Sendable {
    private let state = Mutex<(open: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    func open() {
        let waiters = state.withLock { state in
            defer { state = (true, []) }
            return state.open ? [] : state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    func wait() async {
        await withCheckedContinuation { continuation in
            let isOpen = state.withLock { state in
                if !state.open { state.waiters.append(continuation) }
                return state.open
            }
            if isOpen { continuation.resume() }
        }
    }
}
