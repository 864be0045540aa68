import Foundation
import SecondPassTestSupport
import Testing

/// A slow aggregator against the real `nbest-simulator` and a real `lora-rescorer` replica: the
/// simulator's bounded record buffer must hold the whole pipeline back, not pile up results.
@Suite("nbest-simulator against a slow aggregator", .serialized)
struct SimulatorBackpressureTests {
    static let utterances = 20
    static let recordBuffer = 4
    static let recordBatch = 2
    static let window = 2
    /// What one replica can have been sent while the aggregator holds back: the buffer's records,
    /// the one result its worker is blocked submitting, and the window of unanswered utterances.
    static let sentBound = recordBuffer + 1 + window

    /// The replica's count of scored requests for the test's adapter, read from its `/metrics`.
    static func scored(metricsPort: Int) async throws -> Int {
        let prefix = #"rescorer_adapter_requests_total{adapter="\#(SuiteProcesses.adapterName)"} "#
        let line = try await HTTPRequest.metrics(port: metricsPort).split(separator: "\n").first {
            $0.hasPrefix(prefix)
        }
        return line.flatMap { Int($0.dropFirst(prefix.count)) } ?? 0
    }

    @Test(
        "an aggregator that holds its first call: the run stalls at the buffer's bound, then completes, each record once"
    )
    func slowAggregator() async throws {
        let (replica, port) = try await SuiteProcesses.startReplica(
            id: "replica-slow", extraArguments: ["--metrics-port", "0"])
        defer { replica.stop() }
        let metricsLine = try await replica.line(containing: "lora-rescorer metrics on ")
        let metricsPort = try #require(metricsLine.split(separator: ":").last.flatMap { Int($0) })

        let gate = Gate()
        let aggregator = RecordingAggregator(gate: gate)
        try await aggregator.serve { aggregatorPort in
            defer { gate.open() }  // never leave a handler held, also on failure
            let simulator = try SuiteProcesses.startSimulator([
                "run", "--rescorer", "127.0.0.1:\(port)", "--aggregator", "127.0.0.1:\(aggregatorPort)",
                "--run-id", "slow", "--source", "split:austen/test", "--conditions", "clean",
                "--utterances", "\(Self.utterances)", "--adapter", SuiteProcesses.adapterName,
                "--window", "\(Self.window)", "--record-buffer", "\(Self.recordBuffer)",
                "--record-batch", "\(Self.recordBatch)", "--peer-timeout", "600", "--record-timeout", "600",
                "--seed", "3",
            ])
            defer { simulator.stop() }

            // Facts first: the first Record call is held, the buffer filled (progress counts
            // records in it: the 4/20 line), and the replica scored what the bound allows.
            try await simulator.whileRunning("its first Record call") { await gate.waitForArrival() }
            _ = try await simulator.line(containing: "progress: \(Self.recordBuffer)/\(Self.utterances) ")
            try await withTimeout(.seconds(300), "the replica to score \(Self.sentBound) requests") {
                while try await Self.scored(metricsPort: metricsPort) < Self.sentBound {
                    try await Task.sleep(for: .milliseconds(50))
                }
            }
            // Then nothing more moves while the aggregator holds back. (A simulator that kept
            // sending would score more of the 20 within this pause; a correct one never
            // fails here, however slow the machine.)
            try await Task.sleep(for: .seconds(2))
            #expect(try await Self.scored(metricsPort: metricsPort) == Self.sentBound)
            let held = aggregator.received.count
            #expect((1...Self.recordBatch).contains(held), "records at the held call: \(held)")
            gate.open()
            let exit = try await simulator.exit(timeout: .seconds(600))
            #expect(exit.status == 0, "stdout: \(exit.stdout)\nstderr: \(exit.stderr)")
            #expect(
                exit.stdout.contains("\(Self.utterances)/\(Self.utterances) utterances"), "\(exit.stdout)")
        }
        // Every utterance arrived once: nothing was resent, lost or doubled.
        #expect(aggregator.stored.count == Self.utterances)
        #expect(aggregator.received.count == Self.utterances)
        #expect(Set(aggregator.stored.keys.map(\.utterance)).count == Self.utterances)
        #expect(try await Self.scored(metricsPort: metricsPort) == Self.utterances)
    }
}
