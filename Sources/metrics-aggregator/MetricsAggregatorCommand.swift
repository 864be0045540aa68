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
        abstract: "Evaluation records in (SQLite), WER/WERR/robustness reports out, over gRPC.",
        discussion: "Docs/services.md describes the flags, the log line and the exit codes.",
        subcommands: [ServeCommand.self, HealthCommand.self, ReportCommand.self],
        defaultSubcommand: ServeCommand.self)
}

/// The entry point: parses, runs, and reports any failure as ONE line on stderr (64 for usage
/// errors, 1 otherwise), the way every service executable does (`mainWithOneErrorLine`).
@main
enum MetricsAggregatorMain {
    static func main() async { await MetricsAggregatorCommand.mainWithOneErrorLine() }
}
