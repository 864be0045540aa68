public import ArgumentParser
import Logging

/// The flags every `serve` subcommand shares — where to bind, where to serve `/metrics`, how
/// long to drain after SIGTERM, how much to log — with one help text and one validation, so the
/// rescorer and the aggregator cannot drift apart.
public struct ServeOptions: ParsableArguments {
    @Option(help: "Address to bind (0.0.0.0 inside a container).")
    public var host = "127.0.0.1"

    @Option(help: "Port to bind; 0 picks a free one (read it from the listening line).")
    public var port = 0

    @Option(
        name: .customLong("metrics-port"),
        help:
            "Serve Prometheus text metrics at http://HOST:PORT/metrics (0 picks a port, printed on stdout before the listening line); off when absent."
    )
    public var metricsPort: Int?

    @Option(
        name: .customLong("shutdown-grace-seconds"),
        help: "How long in-flight calls may run after SIGTERM/SIGINT before they are cancelled.")
    public var shutdownGraceSeconds = 10.0

    @Option(help: "Log level on stderr (trace, debug, info, notice, warning, error, critical).")
    public var logLevel = "info"

    public init() {}

    public func validate() throws {
        guard !host.isEmpty else { throw ValidationError("--host must not be empty") }
        guard (0...65535).contains(port) else {
            throw ValidationError("--port must be 0...65535, not \(port)")
        }
        if let metricsPort, !(0...65535).contains(metricsPort) {
            throw ValidationError("--metrics-port must be 0...65535, not \(metricsPort)")
        }
        guard shutdownGraceSeconds.isFinite, shutdownGraceSeconds >= 0 else {
            throw ValidationError("--shutdown-grace-seconds must be a non-negative number")
        }
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError(
                "--log-level must be one of \(Logger.Level.allCases.map(\.rawValue).joined(separator: ", "))")
        }
    }

    /// `--shutdown-grace-seconds` as a duration.
    public var shutdownGracePeriod: Duration {
        .milliseconds(Int((shutdownGraceSeconds * 1000).rounded()))
    }

    /// Sends every logger to standard error at `--log-level`; call once, first thing in `run()`.
    public func bootstrapLogging() {
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }
}
