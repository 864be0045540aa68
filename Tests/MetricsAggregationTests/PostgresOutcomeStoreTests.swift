import Evaluation
import Foundation
import Logging
import MetricsAggregation
import PostgresOutcomeStore
import SecondPassTestSupport
import Testing

/// The PostgreSQL store against a real server (Scripts/postgres): the same dispositions and the
/// same reports as the SQLite store, one insert per key across concurrent writers, and one clear
/// line for every way opening it can fail.
@Suite("PostgresOutcomeStore", .requiresPostgreSQL, .serialized)
struct PostgresOutcomeStoreTests {
    private static var logger: Logger {
        var logger = Logger(label: "postgres-store-tests")
        logger.logLevel = .critical
        return logger
    }

    private static func open(_ url: String) async throws -> PostgresOutcomeStore {
        try await PostgresOutcomeStore.open(
            try PostgresStoreURL(parsing: url), logger: logger, connectTimeout: .seconds(30),
            operationTimeout: .seconds(30))
    }

    @Test("the same records give the same dispositions and the same report from SQLite and PostgreSQL")
    func sameReportFromBothBackends() async throws {
        let study = Fixtures.study(run: "lora")
        let other = Fixtures.outcomes(run: "other", condition: "clean")
        // Resent identical records and one resent with a different choice (a conflict).
        var changed = study[3]
        changed.chosenIndex = (changed.chosenIndex + 1) % changed.firstPassTexts.count
        changed.chosenText = changed.firstPassTexts[changed.chosenIndex]
        let batches = [Array(study.prefix(20)), Array(study.dropFirst(10)) + other, [study[0], changed]]
        let builder = RunReportBuilder(figures: ReportBuilder(bootstrap: BootstrapSettings(resamples: 200)))

        try await ThrowawayPostgres.withServer { server in
            try await Fixtures.withDatabasePath { path in
                let sqlite = try SQLiteOutcomeStore(path: path)
                let postgres = try await Self.open(server.url)
                defer { postgres.close() }
                for batch in batches {
                    let fromSQLite = try await sqlite.record(batch)
                    let fromPostgres = try await postgres.record(batch)
                    #expect(fromPostgres == fromSQLite)
                }
                #expect(try await postgres.count() == study.count + other.count)
                #expect(try await postgres.count(run: "other") == other.count)
                #expect(try await postgres.runs() == ["lora", "other"])
                #expect(try await postgres.runs() == (try await sqlite.runs()))
                for run in ["lora", "other"] {
                    var fromSQLite = try builder.report(try await sqlite.outcomes(run: run), run: run)
                    var fromPostgres = try builder.report(try await postgres.outcomes(run: run), run: run)
                    // Everything but the time each report was computed.
                    fromSQLite.generatedAtUnixMilliseconds = 0
                    fromPostgres.generatedAtUnixMilliseconds = 0
                    #expect(fromPostgres == fromSQLite)
                    #expect(fromPostgres.records > 0)
                }
            }
        }
    }

    @Test("an invalid outcome is refused by both backends and stores nothing of its batch")
    func sameValidation() async throws {
        var outOfRange = Fixtures.outcomes(run: "bad", condition: "clean")[1]
        outOfRange.chosenIndex = 9
        var withNUL = Fixtures.outcomes(run: "bad", condition: "clean")[2]
        withNUL.reference += "\u{0}"
        let good = Fixtures.outcomes(run: "bad", condition: "clean")[0]
        try await ThrowawayPostgres.withServer { server in
            try await Fixtures.withDatabasePath { path in
                let stores: [any OutcomeStore] = [
                    try SQLiteOutcomeStore(path: path), try await Self.open(server.url),
                ]
                defer { (stores[1] as? PostgresOutcomeStore)?.close() }
                for store in stores {
                    for bad in [outOfRange, withNUL] {
                        let error = await #expect(throws: OutcomeStoreError.self) {
                            try await store.record([good, bad])
                        }
                        #expect(error?.code == .invalidOutcome)
                    }
                    #expect(try await store.count() == 0)
                }
            }
        }
    }

    @Test("two stores (two connection pools) writing the same records at once insert each key once")
    func concurrentWritersInsertOnce() async throws {
        let outcomes = Fixtures.study(run: "race")
        try await ThrowawayPostgres.withServer { server in
            let first = try await Self.open(server.url)
            defer { first.close() }
            let second = try await Self.open(server.url)
            defer { second.close() }
            // One outcome per batch, so the two writers interleave key by key.
            async let a = Self.recordOneByOne(outcomes, into: first)
            async let b = Self.recordOneByOne(outcomes, into: second)
            let (fromFirst, fromSecond) = try await (a, b)
            for (x, y) in zip(fromFirst, fromSecond) {
                #expect(Set([x, y]) == [.inserted, .duplicate])
            }
            #expect(try await first.count() == outcomes.count)
        }
    }

    private static func recordOneByOne(_ outcomes: [UtteranceOutcome], into store: PostgresOutcomeStore)
        async throws -> [RecordDisposition]
    {
        var result: [RecordDisposition] = []
        for outcome in outcomes { result.append(try await store.record(outcome)) }
        return result
    }

    @Test("a commit in one store wakes the change streams of another store on the same database")
    func changesCrossStores() async throws {
        try await ThrowawayPostgres.withServer { server in
            let writer = try await Self.open(server.url)
            defer { writer.close() }
            let watcher = try await Self.open(server.url)
            defer { watcher.close() }
            // Both stores' listeners hold a connection in LISTEN before anything is written, so
            // only the NOTIFY of the writer's commit can wake the watcher's stream afterwards.
            var listening = 0
            for _ in 0..<300 where listening < 2 {
                let count = try await server.psql(
                    "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'LISTEN %secondpass_outcome_changes%'"
                )
                listening = Int(count.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
                if listening < 2 { try await Task.sleep(for: .milliseconds(100)) }
            }
            #expect(listening == 2)
            let stream = watcher.changes(run: "watched")
            let woke = try await withTimeout(.seconds(60), "the watcher's wake-up") {
                _ = try await writer.record(Fixtures.outcomes(run: "watched", condition: "clean"))
                return await stream.first(where: { _ in true }) != nil
            }
            #expect(woke)
            #expect(try await watcher.count(run: "watched") == Fixtures.sentences.count)
        }
    }

    @Test(
        "started before its server: calls fail UNAVAILABLE with the reason until the server is up, then store"
    )
    func startsBeforeItsServer() async throws {
        try await ThrowawayPostgres.withServer { server in
            try await server.stop()
            let store = PostgresOutcomeStore.start(
                try PostgresStoreURL(parsing: server.url), logger: Self.logger, connectTimeout: .seconds(5),
                operationTimeout: .seconds(30),
                retry: PostgresStartRetry(initialDelay: .milliseconds(50), maximumDelay: .milliseconds(500)))
            defer { store.close() }
            // The first attempt is refused: the store keeps trying instead of failing.
            try await store.firstAttemptEnded()
            #expect(!store.isReady)
            let early = await #expect(throws: OutcomeStoreError.self) {
                try await store.record(Fixtures.outcomes(run: "early", condition: "clean"))
            }
            #expect(early?.code == .unavailable)
            #expect(early?.message.contains("is not reachable yet") == true, "\(String(describing: early))")

            try await server.start()
            try await withTimeout(.seconds(60), "the store reaching its server") {
                try await store.waitUntilReady()
            }
            #expect(store.isReady)
            let outcomes = Fixtures.outcomes(run: "early", condition: "clean")
            #expect(try await store.record(outcomes) == Array(repeating: .inserted, count: outcomes.count))
            #expect(try await store.count(run: "early") == outcomes.count)
        }
    }

    @Test("opening fails with one line naming the server and why: refused, unknown database, bad password")
    func openFailures() async throws {
        let refusing = try RefusingPort()
        let unreachable = await #expect(throws: OutcomeStoreError.self) {
            _ = try await Self.open("postgres://postgres@127.0.0.1:\(refusing.port)/postgres")
        }
        #expect(unreachable?.code == .unavailable)
        #expect(unreachable?.message.contains("127.0.0.1:\(refusing.port)") == true)
        #expect(
            unreachable?.message.lowercased().contains("refused") == true,
            "\(String(describing: unreachable))")

        try await ThrowawayPostgres.withServer { server in
            try await server.psql("CREATE ROLE alice LOGIN PASSWORD 'right horse' IN ROLE password_login")
            // PostgreSQL 15 lets only a database's owner create tables in its public schema.
            try await server.psql("CREATE DATABASE alices OWNER alice")
            let wrong = await #expect(throws: OutcomeStoreError.self) {
                _ = try await Self.open(server.url(user: "alice", password: "wrong"))
            }
            #expect(
                wrong?.message.contains("password authentication failed") == true,
                "\(String(describing: wrong))")
            #expect(wrong?.message.contains("wrong") == false, "the message must not show the password")
            let missing = await #expect(throws: OutcomeStoreError.self) {
                _ = try await Self.open(server.url(user: "alice"))
            }
            #expect(
                missing?.message.contains("asks for a password") == true, "\(String(describing: missing))")
            let noDatabase = await #expect(throws: OutcomeStoreError.self) {
                _ = try await Self.open(server.url(database: "nowhere"))
            }
            #expect(noDatabase?.message.contains("\"nowhere\" does not exist") == true)

            let notOwner = await #expect(throws: OutcomeStoreError.self) {
                _ = try await Self.open(server.url(user: "alice", password: "right%20horse"))
            }
            #expect(notOwner?.message.contains("permission denied for schema public") == true)
            let store = try await Self.open(
                server.url(user: "alice", password: "right%20horse", database: "alices"))
            defer { store.close() }
            #expect(try await store.count() == 0)
        }
    }

    @Test("URLs: both schemes, default port, escapes, and one line for each malformed one")
    func urls() throws {
        let url = try PostgresStoreURL(parsing: "postgresql://bob:p%40ss@db.local/metrics")
        #expect(
            url
                == PostgresStoreURL(
                    host: "db.local", port: 5432, user: "bob", password: "p@ss", database: "metrics"))
        #expect(url.location == "postgres://bob@db.local:5432/metrics")
        let plain = try PostgresStoreURL(parsing: "postgres://u@127.0.0.1:6543/d")
        #expect(plain.port == 6543 && plain.password == nil)
        for (bad, reason) in [
            ("postgres://127.0.0.1:5432/d", "names no user"), ("postgres://u@:5432/d", "names no host"),
            ("postgres://u@h:5432/", "names no database"),
            ("postgres://u@h/d?sslmode=require", "has parameters"),
            ("postgres://u:secret@h:0/d", "has port 0"), ("mysql://u@h/d", "does not start with"),
        ] {
            let error = #expect(throws: PostgresStoreURLError.self) { try PostgresStoreURL(parsing: bad) }
            #expect(error?.message.contains(reason) == true, "\(bad): \(String(describing: error))")
            #expect(error?.message.contains("secret") == false)
        }
    }
}
