import ArgumentParser
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

/// The entry point: one error line on stderr and an exit code, as every service executable.
@main
enum MetricsAggregatorMain {
    static func main() async {
        await MetricsAggregatorCommand.mainReportingOneLine()
    }
}
