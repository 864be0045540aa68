import ArgumentParser

/// The `secondpass` command line: prepare data, train, study and run the local demo.
@main
struct SecondPassCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "secondpass",
        abstract: "Second-pass ASR rescoring with LoRA-adapted neural language models.",
        subcommands: [
            SimulateCommand.self,
            CalibrateCommand.self,
            BenchSimCommand.self,
            PerturbCommand.self,
        ]
    )
}
