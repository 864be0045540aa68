import ArgumentParser
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

/// The entry point: one error line on stderr and an exit code, as every service executable.
@main
enum LoraRescorerMain {
    static func main() async {
        await LoraRescorerCommand.mainReportingOneLine()
    }
}
