import ArgumentParser

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
        ]
    )
}
