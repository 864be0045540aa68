import ArgumentParser
import Foundation
import ServiceCommandSupport

/// `lora-rescorer`: one rescorer replica (`serve`, the default) and its health probe (`health`).
///
/// Logic lives in `RescorerServer`; this target parses flags and turns failures into one line.
struct LoraRescorerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lora-rescorer",
        abstract: "Second-pass rescoring replica: a GPT-2 base model with LoRA adapters behind gRPC.",
        discussion: "Docs/services.md describes the flags, the log line and the exit codes.",
        subcommands: [ServeCommand.self, HealthCommand.self],
        defaultSubcommand: ServeCommand.self)
}

/// The entry point: parses, runs, and reports any failure as ONE line on stderr.
///
/// ArgumentParser's own `main` prints usage after an error; scripts and container health checks
/// want a single line to log, and the exit code to act on (64 for usage errors, 1 otherwise).
@main
enum LoraRescorerMain {
    static func main() async {
        do {
            var command = try LoraRescorerCommand.parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            terminateProcess(ExitCode.success.rawValue)
        } catch {
            let code = LoraRescorerCommand.exitCode(for: error)
            if code == .success {
                // --help and friends: the full text on stdout.
                print(LoraRescorerCommand.fullMessage(for: error))
                terminateProcess(ExitCode.success.rawValue)
            }
            let message = LoraRescorerCommand.message(for: error)
            if !message.isEmpty {
                let line = message.split(whereSeparator: \.isNewline).joined(separator: "; ")
                FileHandle.standardError.write(Data("lora-rescorer: error: \(line)\n".utf8))
            }
            terminateProcess(code.rawValue)
        }
    }
}
