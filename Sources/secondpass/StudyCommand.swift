import Adaptation
import ArgumentParser
import Foundation
import NeuralLM
import Phonetics
import Study

/// `secondpass study`: every strategy × objective × domain, trained, tuned on dev, rescored on
/// test and evaluated, resumable, into one folder with `study.json`, a report and plots.
struct StudyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "study",
        abstract: "Run the strategy × objective × domain study grid (resumable) and write its report.",
        discussion: """
            Domains: austen-real (recorded pocketsphinx lists: --austen-dev tunes fusion and trains MWER, \
            --austen-test is evaluated) and conversation-simulated (lists simulated from the conversation \
            dev/test text by the simulator fitted to --calibrate-to). --quick runs a tiny grid on simulated \
            Austen lists to check the pipeline. Finished cells are never redone; rerun the same command to \
            resume. See Docs/results.md#study.
            """)

    @Option(name: .shortAndLong, help: "Study folder (created; a later run resumes it).")
    var output: String = "Runs/study"
    @Option(help: "Base model directory (config.json, model.safetensors, tokenizer.json).")
    var model: String = "Models/base"
    @Flag(
        help:
            "Tiny grid (full, lora-r8, adalora × clm, few steps, 24 simulated Austen lists): a pipeline check."
    )
    var quick = false
    @Option(
        help:
            "Only these cells: DOMAIN[/STRATEGY[/OBJECTIVE]] with * for any part, comma-separated or repeated."
    )
    var cells: [String] = []
    @Option(help: "Optimiser steps per cell (default 600; --quick 8).")
    var steps: Int?
    @Option(help: "Lists used from each dev and test file (default all; --quick 24).")
    var lists: Int?
    @Option(help: "OpenBLAS threads.")
    var threads: Int = 2

    @Option(help: "Recorded Austen dev lists (tuning, MWER training).")
    var austenDev: String = "Data/recorded/austen-dev.jsonl"
    @Option(help: "Recorded Austen test lists (evaluation).")
    var austenTest: String = "Data/recorded/austen-test.jsonl"
    @Option(help: "Austen training text (CLM and the trigram).")
    var austenText: String = "Data/austen/train.txt"
    @Option(help: "Austen dev and test text simulated by --quick.")
    var austenSentences: [String] = ["Data/austen/dev.txt", "Data/austen/test.txt"]
    @Option(help: "Conversation dev and test text to simulate lists from.")
    var conversationSentences: [String] = ["Data/conversation/dev.txt", "Data/conversation/test.txt"]
    @Option(help: "Conversation training text (CLM and the trigram).")
    var conversationText: String = "Data/conversation/train.txt"
    @Option(help: "Recorded lists the conversation simulator is fitted to.")
    var calibrateTo: String = "Data/recorded/austen-dev.jsonl"
    @Option(help: "CMU pronouncing dictionary (homophones, simulation).")
    var dictionary: String = Lexicon.pocketsphinxDictionaryPath
    @Option(name: .customLong("word-counts"), help: "Text whose word counts decide real words (repeatable).")
    var wordCounts: [String] = [
        "Data/general/train.txt", "Data/austen/train.txt", "Data/conversation/train.txt",
    ]

    func validate() throws {
        if let steps, steps < 3 { throw ValidationError("--steps must be at least 3, got \(steps)") }
        if let lists, lists < 1 { throw ValidationError("--lists must be at least 1, got \(lists)") }
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1, got \(threads)") }
        guard austenSentences.count == 2, conversationSentences.count == 2 else {
            throw ValidationError(
                "--austen-sentences and --conversation-sentences take two files: dev, then test")
        }
    }

    func run() async throws {
        BLAS.setThreadCount(threads)
        var settings = quick ? StudySettings.quick : StudySettings()
        if let steps {
            settings.steps = steps
            settings.evaluateEvery = max(1, min(settings.evaluateEvery, steps / 2))
            settings.checkpointEvery = settings.evaluateEvery
        }
        if let lists { settings.listLimit = lists }
        let folder = StudyFolder(root: URL(fileURLWithPath: output))
        let url = { (path: String) in URL(fileURLWithPath: path) }
        do {
            // The grid first: a mistyped --cells fails before any slow preparation.
            let domainNames = quick ? ["austen-simulated"] : ["austen-real", "conversation-simulated"]
            let strategies: [StudyStrategy] = quick ? [.full, .loraR8, .adalora] : StudyStrategy.allCases
            let objectives: [TrainingObjectiveKind] = quick ? [.clm] : TrainingObjectiveKind.allCases
            let grid = try StudyGrid(
                domains: domainNames, strategies: strategies, objectives: objectives
            )
            .filtered(by: cells.flatMap { $0.split(separator: ",").map(String.init) })
            let counts = wordCounts.map(url)
            let phonetic = try SimulatedLists.model(lexicon: url(dictionary), wordCounts: counts)
            var domains: [DomainInputs] = []
            if quick {
                let simulated = try SimulatedLists.prepare(
                    name: "austen-simulated", devText: url(austenSentences[0]),
                    testText: url(austenSentences[1]),
                    limit: settings.listLimit, folder: folder, model: phonetic, seed: 1
                ) { SimulatedLists.uncalibrated(targetWER: 0.2) }
                domains.append(
                    DomainInputs(
                        domain: StudyDomain(name: "austen-simulated", label: simulated.label),
                        devLists: simulated.dev, testLists: simulated.test, trainText: url(austenText)))
            } else {
                domains.append(
                    DomainInputs(
                        domain: StudyDomain(name: "austen-real", label: "real: pocketsphinx on flite speech"),
                        devLists: url(austenDev), testLists: url(austenTest), trainText: url(austenText)))
                let simulated = try SimulatedLists.prepare(
                    name: "conversation-simulated", devText: url(conversationSentences[0]),
                    testText: url(conversationSentences[1]), limit: 0, folder: folder, model: phonetic,
                    seed: 1
                ) { () throws(StudyError) in
                    print("conversation-simulated: fitting the simulator to \(calibrateTo)")
                    return try SimulatedLists.calibrated(model: phonetic, to: url(calibrateTo))
                }
                domains.append(
                    DomainInputs(
                        domain: StudyDomain(name: "conversation-simulated", label: simulated.label),
                        devLists: simulated.dev, testLists: simulated.test, trainText: url(conversationText)))
            }
            let runner = StudyRunner(
                inputs: StudyInputs(
                    baseModel: url(model), domains: domains, lexicon: url(dictionary), wordCounts: counts),
                settings: settings, grid: grid, folder: folder,
                command: (["secondpass"] + CommandLine.arguments.dropFirst()).joined(separator: " "))
            // Ctrl-C: the current training step finishes and is checkpointed, then the run stops.
            let stop = StopRequest()
            signal(SIGINT, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
            source.setEventHandler { stop.request() }
            source.resume()
            defer { source.cancel() }
            let clock = ContinuousClock.now
            _ = try runner.run(stop: stop) { line in
                let elapsed = ContinuousClock.now - clock
                print(String(format: "[%5.0fs] ", Double(elapsed.components.seconds)) + line)
                fflush(nil)
            }
            print("report: \(folder.report.path)")
        } catch let error as StudyError {
            if error.code == .interrupted {
                FileHandle.standardError.write(Data("study: \(error.message)\n".utf8))
                throw ExitCode(130)
            }
            throw ValidationError(error.message)
        }
    }
}
