import Foundation

/// End-to-end utterances/s: `nbest-simulator run` (as fast as it can, simulated Austen test
/// lists, fixed seed) → `replicas` `lora-rescorer`s (`--compute-threads 1` each) → a
/// `metrics-aggregator`; the figure is the one the simulator prints for its run (list
/// simulation setup excluded).
struct EndToEnd {
    let binaries: URL
    let rescorerArguments: [String]
    let utterances: Int
    let seed: UInt64
    let adapter: String

    func utterancesPerSecond(replicas: Int, run: Int) async throws -> Double {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent(
            "services-bench-\(getpid())-\(replicas)-\(run)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        var starts: [() throws -> ChildProcess] = [
            {
                try ChildProcess(
                    executable: binaries.appendingPathComponent("metrics-aggregator"),
                    arguments: [
                        "serve", "--database", scratch.appendingPathComponent("metrics.sqlite").path,
                        "--port", "0", "--log-level", "error",
                    ])
            }
        ]
        for replica in 0..<replicas {
            starts.append {
                try ChildProcess(
                    executable: binaries.appendingPathComponent("lora-rescorer"),
                    arguments: rescorerArguments + [
                        "--compute-threads", "1", "--replica-id", "bench-replica-\(replica)",
                    ])
            }
        }
        return try await withChildren(starts) { children in
            let aggregator = children[0]
            let rescorers = children.dropFirst().map { "127.0.0.1:\($0.port)" }.joined(separator: ",")
            let output = try runSimulator([
                "run", "--rescorer", rescorers, "--aggregator", "127.0.0.1:\(aggregator.port)",
                "--run-id", "services-bench-\(replicas)-\(run)", "--utterances", "\(utterances)",
                "--seed", "\(seed)", "--adapter", adapter, "--window", "4", "--log-level", "error",
            ])
            // "nbest-simulator: N/N utterances in S s (R utt/s); …"
            guard let line = output.split(separator: "\n").first(where: { $0.contains(" utt/s)") }),
                let open = line.range(of: "s ("), let close = line.range(of: " utt/s)"),
                let rate = Double(line[open.upperBound..<close.lowerBound])
            else {
                throw BenchError("nbest-simulator printed no utt/s line; output:\n\(output)")
            }
            return rate
        }
    }

    /// Runs `nbest-simulator` to its end and returns its stdout; a non-zero exit is an error.
    private func runSimulator(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = binaries.appendingPathComponent("nbest-simulator")
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.standardError
        do {
            try process.run()
        } catch {
            throw BenchError("cannot start nbest-simulator: \(error)")
        }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        guard process.terminationStatus == 0 else {
            throw BenchError(
                "nbest-simulator exited with status \(process.terminationStatus); output:\n\(text)")
        }
        return text
    }
}
