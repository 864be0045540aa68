import ArgumentParser
import Foundation
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

/// The entry point: parses, runs, and reports any failure as ONE line on stderr (64 for usage
/// errors, 1 otherwise), as `lora-rescorer` does.
@main
enum NBestSimulatorMain {
    static func main() async {
        do {
            var command = try NBestSimulatorCommand.parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            terminateProcess(ExitCode.success.rawValue)
        } catch {
            let code = NBestSimulatorCommand.exitCode(for: error)
            if code == .success {
                print(NBestSimulatorCommand.fullMessage(for: error))
                terminateProcess(ExitCode.success.rawValue)
            }
            let message = NBestSimulatorCommand.message(for: error)
            if !message.isEmpty {
                let line = message.split(whereSeparator: \.isNewline).joined(separator: "; ")
                FileHandle.standardError.write(Data("nbest-simulator: error: \(line)\n".utf8))
            }
            terminateProcess(code.rawValue)
        }
    }
}
