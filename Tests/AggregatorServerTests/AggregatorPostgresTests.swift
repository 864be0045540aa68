import Foundation
import H2RPC
import RescoringMessages
import RescoringRPC
import SecondPassTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `metrics-aggregator` processes on one PostgreSQL server (Scripts/postgres): replicas that
/// receive the same resent records at once store each once; a PostgreSQL restart mid-stream, or
/// its connections terminated, answers `UNAVAILABLE` until the server is back, after which a
/// resend completes the run with nothing lost or doubled; an aggregator started before its
/// server waits `NOT_SERVING` and serves once the server is up.
@Suite("metrics-aggregator on PostgreSQL", .requiresPostgreSQL, .serialized)
struct AggregatorPostgresTests {
    /// Records of one run in three conditions (24 utterances).
    static let everything =
        Records.run("shared") + Records.run("shared", condition: "homophone-1best:p=0.15")
        + Records.run("shared", condition: "nbest:p=0.1")

    static func send(_ records: [EvaluationRecord], port: Int) async throws -> RecordSummary {
        try await AggregatorProcessTests.withClient(port: port) { client in
            try await client.record(options: CallOptions(timeout: .seconds(120))) { writer in
                for record in records { try await writer.write(record) }
            }.message
        }
    }

    @Test(
        "two aggregators on one PostgreSQL receive the same records at once: each stored once, duplicates counted"
    )
    func twoAggregatorsShareOneStore() async throws {
        try await ThrowawayPostgres.withServer { postgres in
            let (first, firstPort) = try await AggregatorProcessTests.start(database: postgres.url)
            defer { first.stop() }
            let (second, secondPort) = try await AggregatorProcessTests.start(database: postgres.url)
            defer { second.stop() }

            async let a = Self.send(Self.everything, port: firstPort)
            async let b = Self.send(Self.everything, port: secondPort)
            let (fromFirst, fromSecond) = try await (a, b)
            #expect(fromFirst.rejected == 0 && fromSecond.rejected == 0)
            #expect(fromFirst.accepted + fromSecond.accepted == UInt64(Self.everything.count))
            #expect(fromFirst.duplicates + fromSecond.duplicates == UInt64(Self.everything.count))

            // Both replicas report the same run from the one store.
            let reports = try await [firstPort, secondPort].asyncMap { port in
                var report = try await AggregatorProcessTests.withClient(port: port) {
                    try await $0.getReport(ReportRequest(runID: "shared"))
                }
                report.generatedAtUnixMilliseconds = 0  // everything but when it was computed
                return report
            }
            // Compared as text: an undefined figure is NaN on the wire, and NaN != NaN.
            #expect(String(describing: reports[0]) == String(describing: reports[1]))
            #expect(reports[0].records == UInt64(Self.everything.count))
            #expect(reports[0].conditions.map(\.utterances) == [8, 8, 8])
            for process in [first, second] {
                process.send(SIGTERM)
                let exit = try await process.exit()
                #expect(exit.status == 0, "\(exit.stderr)")
            }
        }
    }

    @Test("PostgreSQL restarted mid-stream: UNAVAILABLE while it is down, then a resend stores the rest once")
    func postgresRestartMidStream() async throws {
        try await ThrowawayPostgres.withServer { postgres in
            let (aggregator, port) = try await AggregatorProcessTests.start(database: postgres.url)
            defer { aggregator.stop() }
            let acknowledged = Array(Self.everything.prefix(10))
            let first = try await Self.send(acknowledged, port: port)
            #expect(first.accepted == UInt64(acknowledged.count))

            // The rest goes out while the server is down: the stream ends with UNAVAILABLE.
            try await postgres.stop()
            let error = await #expect(throws: RPCError.self) {
                _ = try await Self.send(Array(Self.everything.dropFirst(10)), port: port)
            }
            #expect(error?.code == .unavailable, "\(String(describing: error))")
            #expect(error?.message.contains("record store failed") == true)
            try await postgres.start()

            // What the simulator's record buffer does: resend everything unacknowledged.
            try await Self.expectResendStoresEverythingOnce(acknowledged: acknowledged.count, port: port)
        }
    }

    /// Resends every record, as the simulator's buffer does after an outage, and checks that the
    /// `acknowledged` first ones come back as duplicates, the rest are accepted, and the run's
    /// report counts each record once.
    static func expectResendStoresEverythingOnce(acknowledged: Int, port: Int) async throws {
        let summary = try await resendUntilStored(everything, port: port)
        #expect(summary.rejected == 0)
        #expect(summary.duplicates == UInt64(acknowledged))
        #expect(summary.accepted == UInt64(everything.count - acknowledged))
        let report = try await AggregatorProcessTests.withClient(port: port) {
            try await $0.getReport(ReportRequest(runID: "shared"))
        }
        #expect(report.records == UInt64(everything.count))
        #expect(report.conditions.map(\.utterances) == [8, 8, 8])
    }

    /// Resends `records` until a stream succeeds, as the simulator's record buffer does (bounded;
    /// the pool reconnects within a few attempts).
    static func resendUntilStored(_ records: [EvaluationRecord], port: Int) async throws -> RecordSummary {
        for _ in 0..<120 {
            do {
                return try await Self.send(records, port: port)
            } catch let error as RPCError where error.code == .unavailable {
                try await Task.sleep(for: .milliseconds(500))
            }
        }
        throw TestFailure("writes never succeeded within 120 resends")
    }

    @Test(
        "started before PostgreSQL: NOT_SERVING and UNAVAILABLE with the reason, SERVING once Scripts/postgres starts it"
    )
    func startsBeforePostgres() async throws {
        try await ThrowawayPostgres.withServer { postgres in
            try await postgres.stop()
            let (aggregator, port) = try await AggregatorProcessTests.start(database: postgres.url)
            defer { aggregator.stop() }
            try await withRPCClient(host: "127.0.0.1", port: port, logger: Records.quietLogger) { client in
                let health = HealthClient(client)
                #expect(try await health.check() == .notServing)
                let error = await #expect(throws: RPCError.self) {
                    _ = try await Self.send(Array(Self.everything.prefix(3)), port: port)
                }
                #expect(error?.code == .unavailable, "\(String(describing: error))")
                #expect(
                    error?.message.contains("is not reachable yet") == true, "\(String(describing: error))")

                try await postgres.start()
                let serving = try await withTimeout(.seconds(120), "health SERVING after PostgreSQL started")
                {
                    try await health.watch { statuses in
                        for try await response in statuses where response.status == .serving { return true }
                        return false
                    }
                }
                #expect(serving)
            }
            let summary = try await Self.send(Self.everything, port: port)
            #expect(summary.accepted == UInt64(Self.everything.count))
            #expect(summary.duplicates == 0 && summary.rejected == 0)
            aggregator.send(SIGTERM)
            let exit = try await aggregator.exit()
            #expect(exit.status == 0, "\(exit.stderr)")
            // One warning per failed attempt, then one saying it is ready.
            #expect(exit.stderr.contains("cannot reach the PostgreSQL store yet"), "\(exit.stderr)")
            #expect(exit.stderr.contains("the record store is ready; health is SERVING"), "\(exit.stderr)")
        }
    }

    @Test("its store connections terminated mid-run (pg_terminate_backend): resends store every record once")
    func connectionsTerminatedMidRun() async throws {
        try await ThrowawayPostgres.withServer { postgres in
            let (aggregator, port) = try await AggregatorProcessTests.start(database: postgres.url)
            defer { aggregator.stop() }
            let acknowledged = Array(Self.everything.prefix(10))
            #expect(try await Self.send(acknowledged, port: port).accepted == UInt64(acknowledged.count))

            // Every connection but psql's own: the pool's and the change listener's.
            let terminated = try await postgres.psql(
                """
                SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
                WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()
                """)
            #expect(
                (Int(terminated.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0) >= 1, "\(terminated)")

            try await Self.expectResendStoresEverythingOnce(acknowledged: acknowledged.count, port: port)
            aggregator.send(SIGTERM)
            let exit = try await aggregator.exit()
            #expect(exit.status == 0, "\(exit.stderr)")
        }
    }

    @Test("a bad URL, a refused password or a missing database: one error line and exit 1")
    func startupFailures() async throws {
        try await ThrowawayPostgres.withServer { postgres in
            try await postgres.psql("CREATE ROLE carol LOGIN PASSWORD 'letmein' IN ROLE password_login")
            try await postgres.psql("CREATE DATABASE carols OWNER carol")
            let passwordFile = FileManager.default.temporaryDirectory.appendingPathComponent(
                "pg-password-\(UUID().uuidString)")
            try Data("not-it\n".utf8).write(to: passwordFile)
            defer { try? FileManager.default.removeItem(at: passwordFile) }
            let cases: [([String], String)] = [
                (["--database", "postgres://nobody@/db"], "names no host"),
                (["--database", postgres.url(database: "nosuchdb")], "does not exist"),
                (
                    ["--database", postgres.url(user: "carol", password: "wrong")],
                    "password authentication failed"
                ),
                (
                    [
                        "--database", postgres.url(user: "carol"), "--database-password-file",
                        passwordFile.path,
                    ],
                    "password authentication failed"
                ),
                (
                    [
                        "--database", postgres.url(user: "carol", password: "x"), "--database-password-file",
                        passwordFile.path,
                    ],
                    "gives another"
                ),
            ]
            for (arguments, mention) in cases {
                let result = try await ChildProcess.run(
                    try AggregatorProcessTests.binary, arguments: ["serve", "--port", "0"] + arguments)
                #expect(result.status == 1, "\(arguments): \(result.errorText)")
                let lines = result.errorText.split(whereSeparator: \.isNewline)
                #expect(lines.count == 1, "\(result.errorText)")
                #expect(lines.first?.hasPrefix("metrics-aggregator: error: ") == true)
                #expect(lines.first?.contains(mention) == true, "\(result.errorText)")
                #expect(lines.first?.contains("wrong") == false, "a password in an error line")
            }

            // The right password from the file: the aggregator serves.
            try Data("letmein\n".utf8).write(to: passwordFile)
            let (aggregator, _) = try await AggregatorProcessTests.start(
                database: postgres.url(user: "carol", database: "carols"),
                extra: ["--database-password-file", passwordFile.path])
            aggregator.send(SIGTERM)
            let exit = try await aggregator.exit()
            #expect(exit.status == 0, "\(exit.stderr)")
        }
    }
}

extension Array {
    fileprivate func asyncMap<T>(_ transform: (Element) async throws -> T) async throws -> [T] {
        var result: [T] = []
        for element in self { result.append(try await transform(element)) }
        return result
    }
}
