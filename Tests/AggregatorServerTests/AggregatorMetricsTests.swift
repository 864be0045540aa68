import Foundation
import H2RPC
import RescoringMessages
import RescoringRPC
import SecondPassTestSupport
import Testing

/// `metrics-aggregator serve --metrics-port`: the Prometheus counters follow what the aggregator
/// did, so an operator can tell a retrying simulator (duplicates) from a broken one (rejected).
@Suite("metrics-aggregator metrics")
struct AggregatorMetricsTests {
    @Test("/metrics counts accepted, duplicate and rejected records and report computations")
    func countsRecordsAndReports() async throws {
        try await Records.withFolder { folder in
            let database = folder.appendingPathComponent("metrics.sqlite").path
            let records = Records.run("observed")
            var bad = records[0]
            bad.runID = ""
            let (server, port) = try await AggregatorProcessTests.start(
                database: database, extra: ["--metrics-port", "0"])
            defer { server.stop() }
            let metricsLine = try await server.line(containing: "metrics-aggregator metrics on ")
            let metricsPort = try #require(metricsLine.split(separator: ":").last.flatMap { Int($0) })

            try await AggregatorProcessTests.withClient(port: port) { client in
                for _ in 0..<2 {
                    _ = try await client.record(options: CallOptions(timeout: .seconds(120))) { writer in
                        for record in records { try await writer.write(record) }
                    }
                }
                _ = try await client.record(options: CallOptions(timeout: .seconds(120))) { writer in
                    try await writer.write(bad)
                }
                _ = try await client.getReport(ReportRequest(runID: "observed", cleanCondition: "clean"))
            }

            let text = try await HTTPRequest.metrics(port: metricsPort)
            for line in [
                #"aggregator_records_total{disposition="accepted"} \#(records.count)"#,
                #"aggregator_records_total{disposition="duplicate"} \#(records.count)"#,
                #"aggregator_records_total{disposition="rejected"} 1"#,
                "aggregator_record_streams_total 3",
                #"aggregator_reports_total{method="GetReport"} 1"#,
            ] {
                #expect(text.split(separator: "\n").contains { $0 == line }, "no '\(line)' in:\n\(text)")
            }
        }
    }
}
