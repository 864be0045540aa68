import ArgumentParser
import ServiceCommandSupport

/// `metrics-aggregator health`: exit 0 when the target is SERVING, else one line and exit 1.
struct HealthCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "health",
        abstract:
            "Check an aggregator's grpc.health.v1 status: exit 0 when SERVING (a container health check).")

    @OptionGroup var probe: HealthProbeOptions

    func run() async throws {
        try await probe.check(label: "metrics-aggregator.health")
    }
}
