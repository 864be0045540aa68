import AggregatorServer
public import ArgumentParser
import Foundation
import H2RPC
import Logging
import MetricsAggregation
import RescoringMessages
import RescoringRPC
import ServiceCommandSupport

extension ReportFormat: ExpressibleByArgument {}

/// `metrics-aggregator report`: fetch runs' reports with `GetReport` and render them.
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Fetch reports from a running aggregator and print or save them as JSON, Markdown or SVG.")

    @Option(help: "The aggregator as HOST:PORT.")
    var target: String

    @Option(name: .customLong("run"), help: "Run ID to report (repeatable: the chart compares runs).")
    var runs: [String]

    @Option(name: .customLong("clean-condition"), help: "Condition robustness figures compare against.")
    var cleanCondition = "clean"

    @Option(help: "Output format: json, markdown or svg.")
    var format = ReportFormat.markdown

    @Option(help: "File to write instead of stdout.")
    var output: String?

    @Option(help: "Seconds allowed for connecting and each call.")
    var timeout = 30.0

    func validate() throws {
        guard !runs.isEmpty else { throw ValidationError("give at least one --run") }
        guard !runs.contains("") else { throw ValidationError("--run must not be empty") }
        guard timeout.isFinite, timeout > 0 else {
            throw ValidationError("--timeout must be a positive number")
        }
    }

    func run() async throws {
        let target = try ServiceTarget(parsing: target)
        var logger = Logger(label: "metrics-aggregator.report")
        logger.logLevel = .critical
        var configuration = ClientConfiguration()
        configuration.connectTimeout = .milliseconds(Int((timeout * 1000).rounded()))
        let reports = try await withRPCClient(
            host: target.host, port: target.port, configuration: configuration, logger: logger
        ) { connection in
            let client = MetricsAggregatorClient(connection)
            var reports: [RunReport] = []
            for run in runs {
                let report = try await client.getReport(
                    ReportRequest(runID: run, cleanCondition: cleanCondition),
                    options: CallOptions(timeout: .milliseconds(Int((timeout * 1000).rounded()))))
                reports.append(RunReport(report, cleanCondition: cleanCondition))
            }
            return reports
        }
        let text = try format.render(reports)
        if let output {
            try Data(text.utf8).write(to: URL(fileURLWithPath: output), options: .atomic)
        } else {
            print(text, terminator: "")
        }
    }
}
