import Foundation
import SecondPassTestSupport
import Testing

/// nbest-simulator's failures: one clear line on stderr and a non-zero exit.
@Suite("nbest-simulator errors")
struct SimulatorErrorTests {
    /// Runs the simulator to its end.
    static func run(_ arguments: [String]) async throws -> RunningProcess.Exit {
        try await RunningProcess.run(
            try BuiltProducts.executable("nbest-simulator"),
            // A loaded test machine may take seconds to answer a health check: the checks here are
            // about which peer is named, not about speed.
            arguments + ["--connect-timeout", "60"], directory: SuiteProcesses.root)
    }

    static func expectOneLine(_ exit: RunningProcess.Exit, containing needle: String) {
        #expect(exit.reason == .exit && exit.status != 0)
        #expect(exit.stderrLines.count == 1, "stderr: \(exit.stderr)")
        #expect(exit.stderr.contains(needle), "stderr: \(exit.stderr)")
        #expect(exit.stderr.hasPrefix("nbest-simulator: error: "), "stderr: \(exit.stderr)")
    }

    @Test("no replica reachable: one line naming the address")
    func unreachableReplica() async throws {
        let refused = try RefusingPort()
        let refusedPort = refused.port
        let aggregator = RecordingAggregator()
        try await aggregator.serve { port in
            let exit = try await Self.run([
                "run", "--rescorer", "127.0.0.1:\(refusedPort)", "--aggregator", "127.0.0.1:\(port)",
                "--run-id", "r",
                "--source", "split:austen/test", "--utterances", "2",
            ])
            Self.expectOneLine(exit, containing: "no rescorer replica is reachable (127.0.0.1:\(refusedPort)")
        }
        withExtendedLifetime(refused) {}
        #expect(aggregator.received.isEmpty)
    }

    @Test("aggregator unreachable: one line naming it, before any work")
    func unreachableAggregator() async throws {
        let refused = try RefusingPort()
        let exit = try await Self.run([
            "run", "--rescorer", "127.0.0.1:\(refused.port)", "--aggregator", "127.0.0.1:\(refused.port)",
            "--run-id",
            "r", "--source", "split:austen/test", "--utterances", "2",
        ])
        Self.expectOneLine(exit, containing: "cannot reach the aggregator at 127.0.0.1:\(refused.port)")
    }

    @Test(
        "bad flags and missing files: one line, non-zero",
        arguments: [
            (["--conditions", "loud"], "unknown condition 'loud'"),
            (["--balance", "random"], "--balance must be round-robin or least-outstanding"),
            (["--source", "text:/no/such/file.txt"], "/no/such/file.txt does not exist"),
            (["--source", "replay:/no/such/lists.jsonl"], "/no/such/lists.jsonl does not exist"),
            (["--rate", "0"], "--rate must be positive"),
            (["--record-buffer", "0"], "--record-buffer must be at least 1"),
            (["--record-timeout", "0"], "--record-timeout must be positive"),
            (
                ["--record-buffer", "8", "--record-batch", "9"],
                "--record-batch must be 1...8 (the --record-buffer), not 9"
            ),
        ])
    func badInput(extra: [String], needle: String) async throws {
        let exit = try await Self.run(
            ["run", "--rescorer", "127.0.0.1:1", "--aggregator", "127.0.0.1:1", "--run-id", "r"] + extra)
        Self.expectOneLine(exit, containing: needle)
    }

    @Test("no replicas given: one line")
    func noReplicas() async throws {
        let exit = try await Self.run(["run", "--aggregator", "127.0.0.1:1", "--run-id", "r"])
        Self.expectOneLine(exit, containing: "--rescorer")
    }
}
