import AggregatorServer
import ArgumentParser
import Foundation
import Logging
import ServiceCommandSupport

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

    @OptionGroup var serve: ServeOptions

    @Option(
        name: .customLong("report-dir"),
        help: "Folder where every run's report is kept current as RUN.json, RUN.md and RUN.svg.")
    var reportDirectory: String?

    func validate() throws {
        guard !database.isEmpty else { throw ValidationError("--database must not be empty") }
    }

    func run() async throws {
        serve.bootstrapLogging()
        let logger = Logger(label: "metrics-aggregator")
        var configuration = AggregatorServerConfiguration()
        configuration.database = database
        configuration.databasePasswordFile = databasePasswordFile
        configuration.host = serve.host
        configuration.port = serve.port
        configuration.reportDirectory = reportDirectory
        configuration.metricsPort = serve.metricsPort
        configuration.shutdownGracePeriod = serve.shutdownGracePeriod
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
