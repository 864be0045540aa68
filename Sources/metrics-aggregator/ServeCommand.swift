import AggregatorServer
import ArgumentParser
import Foundation
import Logging

/// `metrics-aggregator serve`: open the database, serve until SIGTERM/SIGINT, drain, exit 0.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the MetricsAggregator and grpc.health.v1.Health services until SIGTERM or SIGINT.",
        discussion: """
            Once bound, prints exactly one line 'metrics-aggregator listening on HOST:PORT' on stdout \
            (flushed), so scripts can read the port when --port is 0; with --metrics-port, a line \
            'metrics-aggregator metrics on HOST:PORT' comes before it.
            """)

    @Option(
        help: ArgumentHelp(
            "Where records are kept: an SQLite file (created if missing), or postgres://USER[:PASSWORD]@HOST[:PORT]/DB (also postgresql://) for a PostgreSQL database several aggregators share.",
            valueName: "file-or-url"))
    var database = "./secondpass-metrics.sqlite"

    @Option(
        name: .customLong("database-password-file"),
        help: "File whose first line is the PostgreSQL password (keeps it out of the URL and `ps`).")
    var databasePasswordFile: String?

    @Option(help: "Address to bind (0.0.0.0 inside a container).")
    var host = "127.0.0.1"

    @Option(help: "Port to bind; 0 picks a free one (read it from the listening line).")
    var port = 0

    @Option(
        name: .customLong("report-dir"),
        help: "Folder where every run's report is kept current as RUN.json, RUN.md and RUN.svg.")
    var reportDirectory: String?

    @Option(
        name: .customLong("shutdown-grace-seconds"),
        help: "How long in-flight record streams may run after SIGTERM/SIGINT.")
    var shutdownGraceSeconds = 10.0

    @Option(
        name: .customLong("metrics-port"),
        help:
            "Serve Prometheus text metrics at http://HOST:PORT/metrics (0 picks a port, printed on stdout before the listening line); off when absent."
    )
    var metricsPort: Int?

    @Option(help: "Log level on stderr (trace, debug, info, notice, warning, error, critical).")
    var logLevel = "info"

    func validate() throws {
        guard (0...65535).contains(port) else {
            throw ValidationError("--port must be 0...65535, not \(port)")
        }
        guard !host.isEmpty else { throw ValidationError("--host must not be empty") }
        guard !database.isEmpty else { throw ValidationError("--database must not be empty") }
        guard shutdownGraceSeconds.isFinite, shutdownGraceSeconds >= 0 else {
            throw ValidationError("--shutdown-grace-seconds must be a non-negative number")
        }
        if let metricsPort, !(0...65535).contains(metricsPort) {
            throw ValidationError("--metrics-port must be 0...65535, not \(metricsPort)")
        }
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError(
                "--log-level must be one of \(Logger.Level.allCases.map(\.rawValue).joined(separator: ", "))")
        }
    }

    func run() async throws {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = Logger.Level(rawValue: logLevel) ?? .info
            return handler
        }
        let logger = Logger(label: "metrics-aggregator")
        var configuration = AggregatorServerConfiguration()
        configuration.database = database
        configuration.databasePasswordFile = databasePasswordFile
        configuration.host = host
        configuration.port = port
        configuration.reportDirectory = reportDirectory
        configuration.metricsPort = metricsPort
        configuration.shutdownGracePeriod = .milliseconds(Int((shutdownGraceSeconds * 1000).rounded()))
        let server = try await AggregatorServer(configuration: configuration, logger: logger)
        try await server.run(
            logger: logger,
            onMetricsListening: { host, port in
                print("metrics-aggregator metrics on \(host):\(port)")
                fflush(nil)
            },
            onListening: { address in
                print("metrics-aggregator listening on \(address)")
                fflush(nil)  // stdout is block-buffered when piped; scripts wait for this line
            })
        logger.info("stopped after draining")
    }
}
