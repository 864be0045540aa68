import ArgumentParser
import Evaluation
import Foundation
import NeuralLM
import Phonetics
import RescorerServer
import Rescoring
import Study

/// `secondpass calibration-gap`: the simulated against real gap of issue 10, before and after
/// calibration, in one table (and `gap.json`, `gap.md`). The figures come from `Study`'s
/// `CalibrationGap`; this command only reads the flags and loads the model.
struct CalibrationGapCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calibration-gap",
        abstract:
            "Compare real N-best lists with uncalibrated and calibrated simulated lists of the same sentences.",
        discussion: """
            Three conditions of the same sentences: the real dev and test lists; the default simulator \
            at the real dev lists' 1-best WER; the simulator fitted to the real dev lists ('calibrate \
            --fit'). For each: the error profile of its dev and test lists, and the model's WERR on its \
            test lists after tuning fusion on its dev lists, with a paired-bootstrap CI. Then WERR sim / \
            WERR real before and after calibration, and the goal |WERR sim − WERR real| ≤ WERR real / 3. \
            See Docs/data.md#calibration-gap.
            """)

    @Option(help: "Real dev N-best JSONL (fusion tuning; the simulator is fitted to it).")
    var dev: String = "Data/recorded/austen-dev.jsonl"
    @Option(help: "Real test N-best JSONL (WERR).")
    var test: String = "Data/recorded/austen-test.jsonl"
    @Option(help: "Base model directory (config.json, model.safetensors, tokenizer.json).")
    var model: String = "Models/base"
    @Option(help: "A PEFT adapter directory whose WERR is compared instead of the base model's.")
    var adapter: String?
    @Option(help: "CMU pronouncing dictionary (the simulator's pronunciations).")
    var dictionary: String = Lexicon.pocketsphinxDictionaryPath
    @Option(name: .customLong("word-counts"), help: "Text whose word counts decide real words (repeatable).")
    var wordCounts: [String] = [
        "Data/general/train.txt", "Data/austen/train.txt", "Data/conversation/train.txt",
    ]
    @Option(help: "Lists used from each of the dev and test files (the first ones; default all).")
    var lists: Int?
    @Option(help: "Seed of the simulated lists and of the calibration.")
    var seed: UInt64 = 1
    @Option(help: "References simulated at each calibration step (the first real dev lists).")
    var sample: Int = 200
    @Option(help: "Largest number of simulator evaluations while fitting.")
    var maxEvaluations: Int = 80
    @Option(help: "Bootstrap resamples of the confidence intervals.")
    var resamples: Int = 1000
    @Option(help: "OpenBLAS threads.")
    var threads: Int = 2
    @Option(name: .shortAndLong, help: "Folder for gap.json, gap.md, the lists and the outcomes (created).")
    var output: String = "Runs/calibration-gap"

    func validate() throws {
        for (flag, value) in [
            ("--sample", sample), ("--max-evaluations", maxEvaluations), ("--resamples", resamples),
            ("--threads", threads), ("--lists", lists ?? 1),
        ] where value < 1 {
            throw ValidationError("\(flag) must be at least 1, got \(value)")
        }
    }

    func run() throws {
        let url = { (path: String) in URL(fileURLWithPath: path) }
        do {
            // The lists first: a wrong file fails before the slow loading of the models.
            let real = try CalibrationGapLists.real(dev: url(dev), test: url(test), limit: lists ?? 0)
            BLAS.setThreadCount(threads)
            let adapterSource = adapter.map {
                AdapterSource(name: url($0).lastPathComponent, directory: url($0))
            }
            let engine = try RescoringEngine.load(
                modelDirectory: url(model), adapters: adapterSource.map { [$0] } ?? [])
            let phonetic = try SimulatedLists.model(lexicon: url(dictionary), wordCounts: wordCounts.map(url))
            let gap = CalibrationGap(
                real: real, devFile: url(dev), testFile: url(test), phonetic: phonetic, engine: engine,
                adapter: adapterSource?.name,
                system: model + (adapter.map { " + adapter \($0)" } ?? ""),
                settings: CalibrationGap.Settings(
                    seed: seed, calibrationSample: sample, calibrationEvaluations: maxEvaluations,
                    bootstrap: BootstrapSettings(resamples: resamples)),
                command: (["secondpass"] + CommandLine.arguments.dropFirst()).joined(separator: " "))
            let report = try gap.run(output: url(output)) { Console.line($0) }
            Console.line("")
            Console.line(report.text())
            Console.line("")
            Console.line("wrote \(output)/gap.json and \(output)/gap.md")
        } catch let error as StudyError {
            throw ValidationError(error.message)
        }
    }
}
