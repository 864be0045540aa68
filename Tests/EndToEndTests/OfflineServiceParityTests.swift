import Evaluation
import Foundation
import H2RPC
import Logging
import MetricsAggregation
import RescoringMessages
import RescoringRPC
import SecondPassTestSupport
import Testing

/// `secondpass rescore` (offline) and the service suite (replayed lists → two `lora-rescorer`
/// replicas → `metrics-aggregator`) score one N-best JSONL file through the same engine and
/// fusion, so they must choose the same hypothesis for every utterance and report the same WER.
///
/// The file is what a streaming first pass records: partial lists before each final list, so both
/// paths also reuse partial-list LM states (offline per session in file order, the service per
/// stream), and the choices must not depend on that reuse or on how the service batches lists.
@Suite("offline rescoring equals the service", .serialized)
struct OfflineServiceParityTests {
    static let utterances = 5
    static let run = "parity"
    static let condition = "clean"

    @Test("same chosen hypothesis for every utterance and the same WER to the last digit")
    func offlineAndServiceAgree() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("parity-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let nbest = try await Self.simulatedLists(in: folder)

        let offline = try await Self.offlineOutcomes(nbest, in: folder)
        let offlineWER = try await Self.offlineWER(offline.file)

        let service = try await Self.serviceOutcomes(nbest, in: folder)
        let offlineFinals = offline.set.outcomes(run: Self.run, condition: Self.condition)
        let serviceFinals = service.set.outcomes(run: Self.run, condition: Self.condition)
        try #require(offlineFinals.count == Self.utterances)
        #expect(serviceFinals.map(\.utteranceID) == offlineFinals.map(\.utteranceID))
        for (mine, theirs) in zip(offlineFinals, serviceFinals) {
            #expect(theirs.firstPassTexts == mine.firstPassTexts, "\(mine.utteranceID)")
            #expect(theirs.chosenIndex == mine.chosenIndex, "\(mine.utteranceID)")
            #expect(theirs.chosenText == mine.chosenText, "\(mine.utteranceID)")
        }
        // The comparison means something only if rescoring changed some first-pass choices.
        #expect(offlineFinals.contains { $0.chosenIndex != $0.firstPassBestIndex })
        #expect(service.wer == offlineWER)
    }

    /// Short sentences of the Austen test split, simulated as a streaming first pass (fixed seed).
    static func simulatedLists(in folder: URL) async throws -> URL {
        let root = SuiteProcesses.root
        let text = try String(
            contentsOf: root.appendingPathComponent("Data/austen/test.txt"), encoding: .utf8)
        let sentences = text.split(whereSeparator: \.isNewline)
            .filter { (4...12).contains($0.split(separator: " ").count) }.prefix(utterances)
        try #require(sentences.count == utterances, "Data/austen/test.txt: run Scripts/prepare-data")
        let references = folder.appendingPathComponent("references.txt")
        try (sentences.joined(separator: "\n") + "\n").write(
            to: references, atomically: true, encoding: .utf8)
        let nbest = folder.appendingPathComponent("nbest.jsonl")
        let exit = try await RunningProcess.run(
            BuiltProducts.secondpass,
            [
                "simulate", "--input", references.path, "--output", nbest.path, "--streaming",
                "--id-prefix", "austen", "--seed", "3", "--target-wer", "0.3",
            ], directory: root)
        try #require(exit.status == 0, "simulate: \(exit.stderr)")
        return nbest
    }

    /// `secondpass rescore` on the file: its outcome records, as a file and as a set.
    static func offlineOutcomes(_ nbest: URL, in folder: URL) async throws -> (file: URL, set: OutcomeSet) {
        let root = SuiteProcesses.root
        let adapter = SuiteProcesses.adapterName
        let outcomes = folder.appendingPathComponent("offline-outcomes.jsonl")
        let exit = try await RunningProcess.run(
            BuiltProducts.secondpass,
            [
                "rescore", "--model", root.appendingPathComponent("Models/base").path, "--adapter",
                "\(adapter)=\(root.appendingPathComponent("Models/adapters/\(adapter)").path)",
                "--use-adapter", adapter, "--nbest", nbest.path, "--outcomes", outcomes.path, "--run", run,
                "--condition", condition,
            ], directory: root)
        try #require(exit.status == 0, "rescore: \(exit.stderr)")
        return (outcomes, try OutcomeSet(jsonLines: Data(contentsOf: outcomes)))
    }

    /// The second-pass WER `secondpass eval-report` computes from the offline outcome records.
    ///
    /// Read with `JSONDecoder`: Foundation's `JSONSerialization` on Linux parses some doubles one
    /// ulp off (0.15384615384615385 comes back as …388), which would fail a last-digit comparison.
    static func offlineWER(_ outcomes: URL) async throws -> Double {
        struct EvalReport: Decodable {
            struct Condition: Decodable {
                struct Interval: Decodable { var estimate: Double? }
                var condition: String
                var secondPassWER: Interval
            }
            var conditions: [Condition]
        }
        let exit = try await RunningProcess.run(
            BuiltProducts.secondpass,
            ["eval-report", "--outcomes", outcomes.path, "--json", "--resamples", "1"])
        try #require(exit.status == 0, "eval-report: \(exit.stderr)")
        let report = try JSONDecoder().decode(EvalReport.self, from: Data(exit.stdout.utf8))
        let clean = try #require(report.conditions.first { $0.condition == condition })
        return try #require(clean.secondPassWER.estimate)
    }

    /// The suite on the file: `nbest-simulator` replays it (partials on) through two replicas
    /// into the aggregator; returns the aggregator's WER and the outcomes it stored.
    static func serviceOutcomes(_ nbest: URL, in folder: URL) async throws -> (wer: Double, set: OutcomeSet) {
        let database = folder.appendingPathComponent("metrics.sqlite").path
        var processes: [RunningProcess] = []
        defer {
            for process in processes { process.stop() }
        }
        let (aggregator, aggregatorPort) = try await RunningProcess.startServer(
            try BuiltProducts.executable("metrics-aggregator"),
            ["serve", "--database", database, "--port", "0", "--log-level", "warning"],
            listeningLine: "metrics-aggregator listening on ")
        processes.append(aggregator)
        var ports: [Int] = []
        for index in 0..<2 {
            let (replica, port) = try await SuiteProcesses.startReplica(id: "parity-\(index)")
            processes.append(replica)
            ports.append(port)
        }
        let simulator = try SuiteProcesses.startSimulator([
            "run", "--rescorer", ports.map { "127.0.0.1:\($0)" }.joined(separator: ","), "--aggregator",
            "127.0.0.1:\(aggregatorPort)", "--run-id", run, "--source", "replay:\(nbest.path)", "--partials",
            "--conditions", condition, "--adapter", SuiteProcesses.adapterName,
        ])
        processes.append(simulator)
        let exit = try await simulator.exit(timeout: .seconds(900))
        try #require(exit.status == 0, "stdout: \(exit.stdout)\nstderr: \(exit.stderr)")

        let logger = Logger(label: "parity") { _ in SwiftLogNoOpLogHandler() }
        let report = try await withRPCClient(host: "127.0.0.1", port: aggregatorPort, logger: logger) {
            try await MetricsAggregatorClient($0).getReport(
                ReportRequest(runID: run, cleanCondition: condition))
        }
        let clean = try #require(report.conditions.first { $0.condition == condition })
        try #require(clean.utterances == UInt64(utterances))
        // Read the store as the aggregator left it on a graceful stop.
        aggregator.send(SIGTERM)
        let stopped = try await aggregator.exit(timeout: .seconds(60))
        try #require(stopped.status == 0, "aggregator: \(stopped.stderr)")
        return (clean.rescoredWER, try await SQLiteOutcomeStore(path: database).outcomes(run: run))
    }
}
