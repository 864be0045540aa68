import ArgumentParser
import Foundation
import Logging
import RescorerServer

/// `metrics-aggregator health`: exit 0 when the target is SERVING, else one line and exit 1.
struct HealthCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "health",
        abstract:
            "Check an aggregator's grpc.health.v1 status: exit 0 when SERVING (a container health check).")

    @Option(help: "The aggregator as HOST:PORT.")
    var target: String

    @Option(help: "Service to ask about; empty means the server as a whole.")
    var service = ""

    @Option(help: "Seconds allowed for connecting and the call.")
    var timeout = 5.0

    func validate() throws {
        guard timeout.isFinite, timeout > 0 else {
            throw ValidationError("--timeout must be a positive number")
        }
    }

    func run() async throws {
        let target = try ServiceTarget(parsing: target)
        var logger = Logger(label: "metrics-aggregator.health")
        logger.logLevel = .critical
        try await HealthProbe.check(
            target: target, service: service, timeout: .milliseconds(Int((timeout * 1000).rounded())),
            logger: logger)
        print("\(service.isEmpty ? "server" : service) at \(target) is SERVING")
    }
}
