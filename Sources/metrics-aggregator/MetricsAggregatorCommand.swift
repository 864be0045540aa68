import ArgumentParser
import Foundation
import ServiceCommandSupport

/// `metrics-aggregator`: the aggregator (`serve`, the default), its health probe (`health`) and
/// a report fetcher (`report`).
///
/// Logic lives in `AggregatorServer` and `MetricsAggregation`; this target parses flags and turns
/// failures into one line.
struct MetricsAggregatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metrics-aggregator",
        abstract: "Evaluation records in (SQLite or PostgreSQL), WER/WERR/robustness reports out, over gRPC.",
        discussion: "Docs/services.md describes the flags, the log line and the exit codes.",
        subcommands: [ServeCommand.self, HealthCommand.self, ReportCommand.self],
        defaultSubcommand: ServeCommand.self)
}

/// The entry point: parses, runs, and reports any failure as ONE line on stderr
/// (exit 64 for usage errors, 1 otherwise), as `lora-rescorer` does.
@main
enum MetricsAggregatorMain {
    static func main() async {
        do {
            var command = try MetricsAggregatorCommand.parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            terminateProcess(ExitCode.success.rawValue)
        } catch {
            let code = MetricsAggregatorCommand.exitCode(for: error)
            if code == .success {
                print(MetricsAggregatorCommand.fullMessage(for: error))
                terminateProcess(ExitCode.success.rawValue)
            }
            let message = MetricsAggregatorCommand.message(for: error)
            if !message.isEmpty {
                let line = message.split(whereSeparator: \.isNewline).joined(separator: "; ")
                FileHandle.standardError.write(Data("metrics-aggregator: error: \(line)\n".utf8))
            }
            terminateProcess(code.rawValue)
        }
    }
}
