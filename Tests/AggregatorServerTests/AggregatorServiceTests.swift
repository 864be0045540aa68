import AggregatorServer
import Evaluation
import Foundation
import H2RPC
import MetricsAggregation
import RescoringMessages
import RescoringRPC
import Testing

@Suite("AggregatorService over loopback")
struct AggregatorServiceTests {
    private static let reports = RunReportBuilder(
        figures: ReportBuilder(bootstrap: BootstrapSettings(resamples: 100)))

    /// Serves an aggregator on a fresh database on a free loopback port while `body` runs.
    private static func withAggregator<Result>(
        _ body: (MetricsAggregatorClient, SQLiteOutcomeStore) async throws -> Result
    ) async throws -> Result {
        try await Records.withFolder { folder in
            let store = try SQLiteOutcomeStore(path: folder.appendingPathComponent("m.sqlite").path)
            var router = RPCRouter()
            router.register(AggregatorService(store: store, reports: reports, logger: Records.quietLogger))
            let server = RPCServer(router: router, logger: Records.quietLogger)
            return try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await server.run() }
                let port = try await server.listeningAddress().port
                defer { server.beginGracefulShutdown(gracePeriod: .zero) }
                return try await withRPCClient(host: "127.0.0.1", port: port, logger: Records.quietLogger) {
                    try await body(MetricsAggregatorClient($0), store)
                }
            }
        }
    }

    private static func send(_ client: MetricsAggregatorClient, _ records: [EvaluationRecord]) async throws
        -> RecordSummary
    {
        try await client.record(options: CallOptions(timeout: .seconds(120))) { writer in
            for record in records { try await writer.write(record) }
        }.message
    }

    @Test("resent records are counted as duplicates, not stored twice")
    func resendsAreNotDoubled() async throws {
        try await Self.withAggregator { client, store in
            let records = Records.run("r")
            let first = try await Self.send(client, records)
            #expect(first.accepted == UInt64(records.count))
            #expect(first.duplicates == 0)
            let again = try await Self.send(client, records + records.prefix(3))
            #expect(again.accepted == 0)
            #expect(again.duplicates == UInt64(records.count + 3))
            #expect(again.rejected == 0)
            #expect(try await store.count(run: "r") == records.count)
            let report = try await client.getReport(ReportRequest(runID: "r"))
            #expect(report.records == UInt64(records.count))
        }
    }

    @Test("bad records are rejected with their reasons while the stream goes on")
    func badRecordsRejected() async throws {
        try await Self.withAggregator { client, store in
            var noReference = Records.record(run: "r", condition: "clean", index: 1)
            noReference.reference = ""
            var noRun = Records.record(run: "r", condition: "clean", index: 2)
            noRun.runID = ""
            var outOfRange = Records.record(run: "r", condition: "clean", index: 3)
            outOfRange.rescored?.chosenIndex = 9
            var conflicting = Records.record(run: "r", condition: "clean", index: 0, chosen: 2)
            conflicting.rescored?.hypotheses = []
            let records = [
                Records.record(run: "r", condition: "clean", index: 0), noReference, noRun, outOfRange,
                Records.record(run: "r", condition: "clean", index: 4), conflicting,
                Records.record(run: "r", condition: "clean", index: 5),
            ]
            let summary = try await Self.send(client, records)
            #expect(summary.accepted == 3)
            #expect(summary.rejected == 4)
            #expect(summary.errors.count == 4)
            let expected = ["reference is missing", "run_id is empty", "chosen_index 9", "different outcome"]
            for (error, reason) in zip(summary.errors, expected) {
                #expect(error.contains(reason), "\(error)")
            }
            #expect(try await store.count() == 3)
        }
    }

    @Test("a summary carries at most the first ten reasons but counts every rejection")
    func reasonsAreCapped() async throws {
        try await Self.withAggregator { client, _ in
            let bad = (0..<20).map { index -> EvaluationRecord in
                var record = Records.record(run: "r", condition: "clean", index: index)
                record.reference = ""
                return record
            }
            let summary = try await Self.send(client, bad)
            #expect(summary.rejected == 20)
            #expect(summary.errors.count == AggregatorService.maxReportedErrors)
            #expect(summary.errors.first?.hasPrefix("r/clean/utt-000") == true)
        }
    }

    @Test("GetReport over the wire equals the report computed in process")
    func reportOverWire() async throws {
        try await Self.withAggregator { client, store in
            _ = try await Self.send(client, Records.run("r") + Records.run("r", condition: "nbest:p=0.1"))
            let wire = try await client.getReport(ReportRequest(runID: "r"))
            var received = RunReport(wire, cleanCondition: "clean")
            let direct = try Self.reports.report(try await store.outcomes(run: "r"), run: "r")
            received.generatedAtUnixMilliseconds = direct.generatedAtUnixMilliseconds
            #expect(received == direct)
            #expect(received.robustness.map(\.figure) == ["NPRR"])
        }
    }

    @Test("GetReport names a missing run and an empty run ID precisely")
    func reportErrors() async throws {
        try await Self.withAggregator { client, _ in
            let missing = try await #require(throws: RPCError.self) {
                try await client.getReport(ReportRequest(runID: "nobody"))
            }
            #expect(missing.code == .notFound)
            #expect(missing.message.contains("nobody"))
            let empty = try await #require(throws: RPCError.self) {
                try await client.getReport(ReportRequest(runID: ""))
            }
            #expect(empty.code == .invalidArgument)
        }
    }

    @Test("WatchReport sends the current report, then a new one after new records")
    func watchEmitsAfterRecords() async throws {
        try await Self.withAggregator { client, _ in
            let first = Array(Records.run("w").prefix(3))
            let rest = Array(Records.run("w").dropFirst(3))
            _ = try await Self.send(client, first)
            let seen = try await client.watchReport(
                ReportRequest(runID: "w"), options: CallOptions(timeout: .seconds(120))
            ) { stream in
                var iterator = stream.makeAsyncIterator()
                var seen = [try #require(try await iterator.next()).records]
                _ = try await Self.send(client, rest)
                // Wake-ups coalesce, so the full count may take one or several reports; bounded by
                // the number of records sent.
                for _ in 0..<rest.count {
                    let records = try #require(try await iterator.next()).records
                    seen.append(records)
                    if records == UInt64(Records.sentences.count) { break }
                }
                return seen
            }
            #expect(seen.first == UInt64(first.count))
            #expect(seen.last == UInt64(Records.sentences.count))
        }
    }

    @Test("WatchReport of a run without records sends nothing until its first records")
    func watchWaitsForFirstRecords() async throws {
        try await Self.withAggregator { client, _ in
            // No report (not even an empty one) may arrive before the deadline ends the call.
            let error = try await #require(throws: RPCError.self) {
                try await client.watchReport(
                    ReportRequest(runID: "nobody-yet"), options: CallOptions(timeout: .milliseconds(500))
                ) { stream in
                    for try await report in stream {
                        Issue.record("a report of a run without records: \(report.records) records")
                    }
                }
            }
            #expect(error.code == .deadlineExceeded)
        }
    }
}
