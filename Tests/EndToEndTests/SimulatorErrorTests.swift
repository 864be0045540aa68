import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// nbest-simulator's failures: one clear line on stderr and a non-zero exit.
@Suite("nbest-simulator errors")
struct SimulatorErrorTests {
    /// Runs the simulator to its end.
    static func run(_ arguments: [String]) async throws -> TestProcess.Exit {
        let simulator = try SuiteProcesses.startSimulator(arguments)
        defer { simulator.stop() }
        return try await simulator.exit()
    }

    static func expectOneLine(_ exit: TestProcess.Exit, containing needle: String) {
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

/// A loopback TCP port bound but not listening: connecting is refused while the value lives.
final class RefusingPort {
    let port: Int
    private let descriptor: Int32

    init() throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw TestProcess.Failure(description: "socket() failed: \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        guard bound == 0, named == 0 else {
            close(descriptor)
            throw TestProcess.Failure(description: "binding a loopback port failed: \(errno)")
        }
        self.descriptor = descriptor
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    deinit { close(descriptor) }
}
