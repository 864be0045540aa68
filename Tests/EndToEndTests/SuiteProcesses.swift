import Foundation
import SecondPassTestSupport

/// The built executables and the shipped model the end-to-end tests start.
enum SuiteProcesses {
    static let root = PythonPeer.packageRoot

    static let adapterName = "austen-lora-r8"

    /// Starts a `lora-rescorer` replica on a free loopback port; returns it and its port.
    /// `extraArguments` (e.g. `--metrics-port 0`) are appended to `serve`'s.
    static func startReplica(id: String, extraArguments: [String] = []) async throws -> (RunningProcess, Int)
    {
        try await RunningProcess.startServer(
            try BuiltProducts.executable("lora-rescorer"),
            [
                "serve", "--model", root.appendingPathComponent("Models/base").path, "--adapter",
                "\(adapterName)=\(root.appendingPathComponent("Models/adapters/\(adapterName)").path)",
                "--port", "0",
                "--replica-id", id, "--log-level", "warning",
            ] + extraArguments, listeningLine: "lora-rescorer listening on ")
    }

    /// Starts `nbest-simulator` from the package root (so `Data/` and the corpora resolve).
    ///
    /// A `run` gets `--connect-timeout 120` unless it names its own: the default 5 s for the
    /// health answers before the run starts is a production setting, and the aggregator doubles
    /// answer from inside the test process, whose two cooperative threads the loaded suite can
    /// keep busy (training loops, parity checks) for longer than that. A simulator that gives up
    /// there ends before its first Record call, which left a test waiting for that call forever.
    static func startSimulator(_ arguments: [String]) throws -> RunningProcess {
        var arguments = arguments
        if arguments.first == "run", !arguments.contains("--connect-timeout") {
            arguments += ["--connect-timeout", "120"]
        }
        return try RunningProcess(try BuiltProducts.executable("nbest-simulator"), arguments, directory: root)
    }
}
