import AggregatorServer
import Foundation
import H2RPC
import MetricsAggregation
import RescoringMessages
import RescoringRPC
import SecondPassTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The real `metrics-aggregator` process: killed with SIGKILL mid-stream and restarted on the
/// same database, it neither loses an acknowledged record nor doubles a resent one.
@Suite("metrics-aggregator process")
struct AggregatorProcessTests {
    static var binary: URL { get throws { try BuiltProducts.executable("metrics-aggregator") } }

    /// Starts `serve` on `database` and a free port; returns the process and the port.
    static func start(database: String, extra: [String] = []) async throws -> (RunningProcess, Int) {
        try await RunningProcess.startServer(
            try binary, ["serve", "--database", database, "--port", "0", "--log-level", "warning"] + extra,
            listeningLine: "metrics-aggregator listening on ")
    }

    static func withClient<T>(port: Int, _ body: (MetricsAggregatorClient) async throws -> T) async throws
        -> T
    {
        try await withRPCClient(host: "127.0.0.1", port: port, logger: Records.quietLogger) {
            try await body(MetricsAggregatorClient($0))
        }
    }

    @Test("SIGKILL mid-stream and a restart on the same database: nothing lost, nothing doubled")
    func killAndRestart() async throws {
        try await Records.withFolder { folder in
            let database = folder.appendingPathComponent("metrics.sqlite").path
            let acknowledged = Records.run("e2e") + Records.run("e2e", condition: "homophone-1best:p=0.15")
            let inFlight = Records.run("e2e", condition: "nbest:p=0.1")
            let everything = acknowledged + inFlight

            let (first, firstPort) = try await Self.start(database: database)
            defer { first.stop() }
            try await Self.withClient(port: firstPort) { client in
                let summary = try await client.record(options: CallOptions(timeout: .seconds(120))) {
                    writer in
                    for record in acknowledged { try await writer.write(record) }
                }.message
                #expect(summary.accepted == UInt64(acknowledged.count))
                // A second stream dies with the process, half sent, its summary never received.
                await #expect(throws: (any Error).self) {
                    _ = try await client.record(options: CallOptions(timeout: .seconds(120))) { writer in
                        for record in inFlight.prefix(inFlight.count / 2) { try await writer.write(record) }
                        first.send(SIGKILL)
                        let exit = try await first.exit()
                        #expect(exit.reason == .uncaughtSignal)
                        for record in inFlight.suffix(inFlight.count / 2) { try await writer.write(record) }
                    }
                }
            }

            let (second, secondPort) = try await Self.start(database: database)
            defer { second.stop() }
            try await Self.withClient(port: secondPort) { client in
                let before = try await client.getReport(ReportRequest(runID: "e2e"))
                #expect(before.records >= UInt64(acknowledged.count), "acknowledged records were lost")
                let resent = try await client.record(options: CallOptions(timeout: .seconds(120))) { writer in
                    for record in everything { try await writer.write(record) }
                }.message
                #expect(resent.rejected == 0)
                #expect(resent.duplicates == before.records)
                #expect(resent.accepted + resent.duplicates == UInt64(everything.count))
                let after = try await client.getReport(ReportRequest(runID: "e2e"))
                #expect(after.records == UInt64(everything.count))
                #expect(after.conditions.map(\.utterances) == [8, 8, 8])
                #expect(after.robustness.map(\.figure) == ["D1", "NPRR"])
            }
            second.send(SIGTERM)
            let exit = try await second.exit()
            #expect(exit.status == 0, "\(exit.stderr)")
        }
    }

    @Test("report fetches a run as SVG and health answers SERVING; an unknown run is one error line")
    func reportAndHealthCommands() async throws {
        try await Records.withFolder { folder in
            let database = folder.appendingPathComponent("metrics.sqlite").path
            let reports = folder.appendingPathComponent("reports")
            let (server, port) = try await Self.start(
                database: database, extra: ["--report-dir", reports.path])
            defer { server.stop() }
            try await Self.withClient(port: port) { client in
                _ = try await client.record { writer in
                    for record in Records.run("cli") { try await writer.write(record) }
                }
            }
            let target = "127.0.0.1:\(port)"
            let svgPath = folder.appendingPathComponent("chart.svg").path
            let report = try await ChildProcess.run(
                try Self.binary,
                arguments: [
                    "report", "--target", target, "--run", "cli", "--format", "svg", "--output", svgPath,
                ])
            #expect(report.status == 0, "\(report.errorText)")
            let svg = try String(contentsOfFile: svgPath, encoding: .utf8)
            #expect(svg.contains("<svg") && svg.contains("Word error rate (%)"))

            let health = try await ChildProcess.run(
                try Self.binary, arguments: ["health", "--target", target])
            #expect(health.status == 0)
            #expect(health.outputText.contains("SERVING"))

            let unknown = try await ChildProcess.run(
                try Self.binary, arguments: ["report", "--target", target, "--run", "nobody"])
            #expect(unknown.status == 1)
            let lines = unknown.errorText.split(whereSeparator: \.isNewline)
            #expect(lines.count == 1)
            #expect(lines.first?.contains("NOT_FOUND") == true)

            // The folder is rewritten after changes and once more on shutdown, so it holds the run now.
            server.send(SIGTERM)
            _ = try await server.exit()
            for suffix in ReportFormat.allCases.map(\.fileExtension) + ["detail.md"] {
                #expect(
                    FileManager.default.fileExists(
                        atPath: reports.appendingPathComponent("cli.\(suffix)").path))
            }
            let json = try Data(contentsOf: reports.appendingPathComponent("cli.json"))
            #expect(try JSONDecoder().decode(RunReport.self, from: json).records == Records.sentences.count)
        }
    }

    @Test("SIGTERM ends open WatchReport streams with OK and the process exits 0")
    func drainEndsWatchers() async throws {
        try await Records.withFolder { folder in
            let database = folder.appendingPathComponent("metrics.sqlite").path
            let (server, port) = try await Self.start(database: database)
            defer { server.stop() }
            let reports = try await Self.withClient(port: port) { client in
                _ = try await client.record { writer in
                    for record in Records.run("w") { try await writer.write(record) }
                }
                return try await client.watchReport(
                    ReportRequest(runID: "w"), options: CallOptions(timeout: .seconds(120))
                ) { stream in
                    var iterator = stream.makeAsyncIterator()
                    var reports = [try #require(try await iterator.next())]
                    server.send(SIGTERM)
                    // No record arrives, so the stream can only end (bounded as a safety net).
                    for _ in 0..<10 {
                        guard let report = try await iterator.next() else { break }
                        reports.append(report)
                    }
                    return reports
                }
            }
            #expect(reports.count == 1)
            #expect(reports.first?.records == UInt64(Records.sentences.count))
            let exit = try await server.exit()
            #expect(exit.reason == .exit)
            #expect(exit.status == 0, "\(exit.stderr)")
        }
    }

    @Test(
        "a bad flag or an unopenable database is one error line and a non-zero exit",
        arguments: [
            (["serve", "--port", "70000"], Int32(64), "--port"),
            (["serve", "--no-such-flag"], Int32(64), "no-such-flag"),
            (["report", "--target", "127.0.0.1:1"], Int32(64), "--run"),
            (
                ["serve", "--port", "0", "--database", "/nonexistent-dir/m.sqlite"], Int32(1),
                "/nonexistent-dir/m.sqlite"
            ),
            (["health", "--target", "nowhere"], Int32(1), "nowhere"),
        ])
    func badInvocations(arguments: [String], status: Int32, mention: String) async throws {
        let result = try await ChildProcess.run(try Self.binary, arguments: arguments)
        #expect(result.status == status, "\(result.errorText)")
        let lines = result.errorText.split(whereSeparator: \.isNewline)
        #expect(lines.count == 1, "\(result.errorText)")
        #expect(lines.first?.hasPrefix("metrics-aggregator: error: ") == true)
        #expect(lines.first?.contains(mention) == true, "\(result.errorText)")
    }
}
