import ArgumentParser
import ServiceCommandSupport

/// `nbest-simulator`: plays the first pass against rescorer replicas (`run`) and probes a
/// service's health (`health`).
///
/// Logic lives in `Simulation` and `SimulationClient`; this target parses flags and turns
/// failures into one line.
struct NBestSimulatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nbest-simulator",
        abstract:
            "Stream simulated or replayed N-best lists to rescorer replicas; forward results to the aggregator.",
        discussion: "Docs/services.md describes the flags, the output and the exit codes.",
        subcommands: [RunCommand.self, HealthCommand.self],
        defaultSubcommand: RunCommand.self)
}

/// The entry point: one error line on stderr and an exit code, as every service executable.
@main
enum NBestSimulatorMain {
    static func main() async {
        await NBestSimulatorCommand.mainReportingOneLine()
    }
}
