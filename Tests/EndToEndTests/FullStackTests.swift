import Foundation
import H2RPC
import Logging
import RescoringMessages
import RescoringRPC
import SecondPassTestSupport
import Testing

/// The main job in small: real `metrics-aggregator`, two `lora-rescorer` replicas and
/// `nbest-simulator` as separate processes on loopback, as `Scripts/demo` runs them.
@Suite("full stack as processes", .serialized)
struct FullStackTests {
    static let utterances = 3
    static let conditions = ["clean", "nbest:p=0.1"]

    @Test("the aggregator's report counts every utterance once per condition")
    func reportCountsEveryUtteranceOnce() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fullstack-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var processes: [RunningProcess] = []
        defer {
            for process in processes { process.stop() }
        }
        let (aggregator, aggregatorPort) = try await RunningProcess.startServer(
            try BuiltProducts.executable("metrics-aggregator"),
            [
                "serve", "--database", folder.appendingPathComponent("metrics.sqlite").path, "--port", "0",
                "--log-level", "warning",
            ], listeningLine: "metrics-aggregator listening on ")
        processes.append(aggregator)
        var ports: [Int] = []
        for index in 0..<2 {
            let (replica, port) = try await SuiteProcesses.startReplica(id: "rescorer-\(index)")
            processes.append(replica)
            ports.append(port)
        }
        let simulator = try SuiteProcesses.startSimulator([
            "run", "--rescorer", ports.map { "127.0.0.1:\($0)" }.joined(separator: ","), "--aggregator",
            "127.0.0.1:\(aggregatorPort)", "--run-id", "stack", "--source", "split:austen/test",
            "--conditions",
            Self.conditions.joined(separator: ","), "--utterances", "\(Self.utterances)", "--adapter",
            SuiteProcesses.adapterName, "--seed", "3",
        ])
        processes.append(simulator)
        let exit = try await simulator.exit(timeout: .seconds(600))
        #expect(exit.status == 0, "stdout: \(exit.stdout)\nstderr: \(exit.stderr)")

        let logger = Logger(label: "full-stack") { _ in SwiftLogNoOpLogHandler() }
        let report = try await withRPCClient(host: "127.0.0.1", port: aggregatorPort, logger: logger) {
            try await MetricsAggregatorClient($0).getReport(
                ReportRequest(runID: "stack", cleanCondition: "clean"))
        }
        #expect(report.records == UInt64(Self.utterances * Self.conditions.count))
        #expect(report.conditions.map(\.condition).sorted() == Self.conditions.sorted())
        for condition in report.conditions {
            #expect(condition.utterances == UInt64(Self.utterances), "\(condition.condition)")
        }
    }
}
