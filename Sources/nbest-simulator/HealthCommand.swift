import ArgumentParser
import Foundation
import Logging
import RescorerServer

/// `nbest-simulator health`: the same probe as `lora-rescorer health`, so scripts can wait for
/// a rescorer or an aggregator with the binary they already run.
struct HealthCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "health",
        abstract: "Check a service's grpc.health.v1 status: exit 0 when SERVING.")

    @Option(help: "The service as HOST:PORT.")
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
        var logger = Logger(label: "nbest-simulator.health")
        logger.logLevel = .critical
        try await HealthProbe.check(
            target: target, service: service, timeout: .milliseconds(Int((timeout * 1000).rounded())),
            logger: logger)
        print("\(service.isEmpty ? "server" : service) at \(target) is SERVING")
    }
}
