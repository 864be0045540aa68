import ArgumentParser
import ServiceCommandSupport

/// `nbest-simulator health`: the same probe as `lora-rescorer health`, so scripts can wait for
/// a rescorer or an aggregator with the binary they already run.
struct HealthCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "health",
        abstract: "Check a service's grpc.health.v1 status: exit 0 when SERVING.")

    @OptionGroup var probe: HealthProbeOptions

    func run() async throws {
        try await probe.check(label: "nbest-simulator.health")
    }
}
