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

/// The entry point: parses, runs, and reports any failure as ONE line on stderr (64 for usage
/// errors, 1 otherwise), the way every service executable does (`mainWithOneErrorLine`).
@main
enum LoraRescorerMain {
    static func main() async { await LoraRescorerCommand.mainWithOneErrorLine() }
}
