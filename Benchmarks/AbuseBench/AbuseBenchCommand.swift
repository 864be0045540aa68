import ArgumentParser
import Foundation

/// `abuse-bench`: how much an abusive client costs a `lora-rescorer` replica and its
/// well-behaved clients.
///
/// A benchmark, not a test: it prints figures and goal lines (well-behaved throughput ≥ 95% of
/// unloaded, health p99 < 100 ms) and exits 0 either way. Quote figures only from a quiet machine
/// (`Scripts/bench-abuse` prints /proc/loadavg around the run).
@main
struct AbuseBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "abuse-bench",
        abstract:
            "Measure a lora-rescorer replica under abusive clients (resets, oversized lists, half-sent messages)."
    )

    @Option(help: "Repetitions of every phase; medians are reported.")
    var runs = 3

    @Option(help: "Seconds per phase.")
    var seconds = 10.0

    @Flag(help: "Print one JSON object instead of text.")
    var json = false

    @Option(help: "The lora-rescorer binary (default: next to this one).")
    var server: String?

    @Option(help: "Base model directory.")
    var model = "Models/base"

    @Option(help: "Adapter to serve and use, as NAME=DIRECTORY.")
    var adapter = "austen-lora-r8=Models/adapters/austen-lora-r8"

    @Option(help: "Sentences to build N-best lists from (one per line).")
    var text = "Data/austen/test.txt"

    @Option(help: "Concurrent well-behaved RescoreOne loops.")
    var goodClients = 2

    @Option(help: "Milliseconds between health checks.")
    var healthIntervalMs = 20

    @Option(help: "Hypotheses in each oversized list.")
    var oversizedHypotheses = 20_000

    @Option(help: "Half-sent streams held open (100 per connection).")
    var halfSentStreams = 500

    @Option(help: "Concurrent reset loops.")
    var resetWorkers = 4

    @Option(help: "Longest wait, after a phase, for the server to go idle (its CPU counts to the phase).")
    var settleSeconds = 30.0

    func validate() throws {
        guard runs >= 1 else { throw ValidationError("--runs must be at least 1") }
        guard seconds.isFinite, seconds >= 0.5 else {
            throw ValidationError("--seconds must be at least 0.5")
        }
        guard goodClients >= 1, resetWorkers >= 1 else {
            throw ValidationError("--good-clients and --reset-workers must be at least 1")
        }
        guard healthIntervalMs >= 1 else { throw ValidationError("--health-interval-ms must be at least 1") }
        guard oversizedHypotheses >= 1, halfSentStreams >= 1 else {
            throw ValidationError("--oversized-hypotheses and --half-sent-streams must be at least 1")
        }
        guard adapter.contains("=") else { throw ValidationError("--adapter takes NAME=DIRECTORY") }
    }

    func run() async throws {
        let adapterName = String(adapter.split(separator: "=", maxSplits: 1)[0])
        let workload = try Workload(textFile: text, adapter: adapterName)
        let executable =
            server.map { URL(fileURLWithPath: $0) }
            ?? URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent(
                "lora-rescorer")
        let arguments = [
            "serve", "--model", model, "--adapter", adapter, "--port", "0", "--log-level", "error",
            "--replica-id", "abuse-bench", "--shutdown-grace-seconds", "10",
        ]
        let settings = ClientSettings(
            port: 0, workload: workload, goodClients: goodClients,
            healthInterval: .milliseconds(healthIntervalMs), oversizedHypotheses: oversizedHypotheses,
            halfSentStreams: halfSentStreams, resetWorkers: resetWorkers)
        let phases = Phases(
            settings: settings, duration: .milliseconds(Int(seconds * 1000)),
            settleLimit: .milliseconds(Int(settleSeconds * 1000))
        ) {
            try ServerProcess(executable: executable, arguments: arguments)
        }
        let report = try await phases.measure(runs: runs, log: !json)
        print(json ? report.json() : report.text())
    }
}
