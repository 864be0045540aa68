import Foundation
import SecondPassTestSupport

/// Where the built `lora-rescorer` is and what it is started with in tests.
enum LoraRescorerBinary {
    static var url: URL { get throws { try BuiltProducts.executable("lora-rescorer") } }

    /// The shipped base model and adapter.
    static let model = PythonPeer.packageRoot.appendingPathComponent("Models/base").path
    static let adapterName = "austen-lora-r8"
    static let adapter = PythonPeer.packageRoot.appendingPathComponent("Models/adapters/austen-lora-r8").path

    /// `serve` on a free loopback port with the shipped model and adapter, plus `extra` flags.
    static func serveArguments(_ extra: [String] = []) -> [String] {
        [
            "serve", "--model", model, "--adapter", "\(adapterName)=\(adapter)", "--port", "0", "--log-level",
            "warning",
        ]
            + extra
    }

    /// Starts a replica and waits for its listening line; returns the process and its port.
    static func startReplica(_ extra: [String] = []) async throws -> (RunningProcess, Int) {
        try await RunningProcess.startServer(
            try url, serveArguments(extra), listeningLine: "lora-rescorer listening on ")
    }

    /// Runs a short command (a probe, a bad invocation) to its end.
    static func run(_ arguments: [String]) async throws -> RunningProcess.Exit {
        try await RunningProcess.run(try url, arguments)
    }
}
