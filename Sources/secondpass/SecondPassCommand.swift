import ArgumentParser
import Foundation

/// The `secondpass` command line: prepare data, train, study and run the local demo.
@main
struct SecondPassCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "secondpass",
        abstract: "Second-pass ASR rescoring with LoRA-adapted neural language models.",
        subcommands: [
            DemoCommand.self,
            PrepareDataCommand.self,
            TrainTokenizerCommand.self,
            BenchEvalCommand.self,
            EvalReportCommand.self,
            SimulateCommand.self,
            CalibrateCommand.self,
            BenchSimCommand.self,
            PretrainCommand.self,
            EvaluateLMCommand.self,
            TrainCommand.self,
            PerturbCommand.self,
            RescoreCommand.self,
            TuneCommand.self,
            NGramCommand.self,
            RecordCommand.self,
            StudyCommand.self,
            CalibrationGapCommand.self,
        ]
    )

    /// Runs the chosen subcommand; a failure prints one line on standard error and exits non-zero.
    ///
    /// ArgumentParser's default prints the usage block after every error, which buries the one
    /// line that says what is wrong; `--help` still prints the full help (exit 0).
    static func main() async {
        var command: any ParsableCommand
        do {
            command = try parseAsRoot()
        } catch {
            fail(error, namingHelp: true)
        }
        do {
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            // The arguments parsed: pointing at --help would not help.
            fail(error, namingHelp: false)
        }
    }

    private static func fail(_ error: any Error, namingHelp: Bool) -> Never {
        let code = exitCode(for: error)
        guard code != .success else { exit(withError: error) }
        FileHandle.standardError.write(Data((errorLine(for: error, namingHelp: namingHelp) + "\n").utf8))
        Foundation.exit(code.rawValue)
    }

    /// `secondpass: error: MESSAGE`, on one line; for a mistake in the arguments, followed by
    /// ` (see 'secondpass SUB --help')`.
    static func errorLine(for error: any Error, namingHelp: Bool = true) -> String {
        let message = message(for: error).split(whereSeparator: \.isNewline).joined(separator: "; ")
        var line = "secondpass: error: \(message)"
        // The full message names the subcommand's help when the error is about its arguments.
        let full = fullMessage(for: error)
        if namingHelp, let start = full.range(of: "See '")?.upperBound,
            let end = full[start...].firstIndex(of: "'")
        {
            line += " (see '\(full[start..<end])')"
        }
        return line
    }
}
