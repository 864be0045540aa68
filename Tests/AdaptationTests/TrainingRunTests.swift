import Foundation
import NeuralLM
import RescoringCore
import Testing

@testable import Adaptation

/// Whole runs: objectives, dev evaluation with the best checkpoint kept, interruption and resume.
@Suite("Training runs")
struct TrainingRunTests {
    static func data() -> TrainingData {
        let sequences = StrategyTests.domain.map { [1] + $0 + [2] }
        return TrainingData(
            trainSequences: sequences, devSequences: Array(sequences.prefix(3)),
            trainLists: MWERTests.examples(count: 6, seed: 2), devLists: MWERTests.examples(count: 4, seed: 9)
        )
    }

    static func options(_ objective: TrainingObjectiveKind, steps: Int = 12) -> TrainingRunOptions {
        TrainingRunOptions(
            objective: objective, steps: steps, batchSize: 3, fusion: ScoreFusion(lmWeight: 0.5),
            clmWeight: objective == .mwer ? 0.1 : 0, clmSteps: objective == .clmThenMWER ? 4 : 0,
            evaluateEvery: 3,
            checkpointEvery: 5, baseName: "tiny")
    }

    static func trainer(_ strategy: TrainingStrategy = .lora, steps: Int = 12) throws -> AdapterTrainer {
        try AdapterTrainer(
            base: try Support.perturbedModel(), settings: StrategyTests.settings(strategy, totalSteps: steps),
            optimization: StrategyTests.optimization(strategy, totalSteps: steps))
    }

    @Test(
        "each objective runs, evaluates dev WER and keeps the best adapter",
        arguments: TrainingObjectiveKind.allCases)
    func objectives(objective: TrainingObjectiveKind) throws {
        let directory = try Support.temporaryDirectory()
        defer { Support.cleanUp(directory) }
        let run = try TrainingRun(options: Self.options(objective), data: Self.data(), output: directory)
        var trainer = try Self.trainer()
        var lines: [TrainingProgress] = []
        let summary = try run.run(trainer: &trainer, stop: StopRequest()) { lines.append($0) }
        #expect(lines.count == 12)
        #expect(lines.filter { $0.devMetric != nil }.count == 4)
        #expect(summary.devMetricName == "dev_wer")
        let best = try #require(summary.bestDevMetric)
        #expect(best <= lines.compactMap { $0.devMetric?.value }.min()!)
        #expect(summary.stepsCompleted == 12 && !summary.interrupted)
        if objective == .clmThenMWER {
            #expect(lines.prefix(4).allSatisfy { $0.report.components["mwer"] == nil })
            #expect(lines.dropFirst(4).allSatisfy { $0.report.components["mwer"] != nil })
        }
        // The best adapter reproduces the best dev WER.
        var model = try Support.perturbedModel()
        try PEFTAdapterFiles.load(from: directory.appendingPathComponent("best"), into: &model)
        let wer = try #require(
            try MWERObjective.wordErrorRate(
                model: model, examples: Self.data().devLists, fusion: ScoreFusion(lmWeight: 0.5)))
        #expect(abs(wer - best) < 1e-9)
        for file in ["summary.json", "final/adapter_config.json", "checkpoint/trainer_state.json"] {
            #expect(
                FileManager.default.fileExists(atPath: directory.appendingPathComponent(file).path), "\(file)"
            )
        }
    }

    @Test("a stop request saves a checkpoint; resuming finishes like an uninterrupted run")
    func interruptAndResume() throws {
        let straightDirectory = try Support.temporaryDirectory()
        let directory = try Support.temporaryDirectory()
        defer {
            Support.cleanUp(straightDirectory)
            Support.cleanUp(directory)
        }
        var straight = try Self.trainer(.adalora)
        _ = try TrainingRun(options: Self.options(.mwer), data: Self.data(), output: straightDirectory)
            .run(trainer: &straight, stop: StopRequest()) { _ in }

        let run = try TrainingRun(options: Self.options(.mwer), data: Self.data(), output: directory)
        var trainer = try Self.trainer(.adalora)
        let stop = StopRequest()
        let partial = try run.run(trainer: &trainer, stop: stop) { progress in
            if progress.report.step == 7 { stop.request() }
        }
        #expect(partial.interrupted && partial.stepsCompleted == 7)
        var resumed = try AdapterTrainer(
            resumingFrom: run.checkpointDirectory, base: try Support.perturbedModel())
        let summary = try run.run(trainer: &resumed, stop: StopRequest()) { _ in }
        #expect(summary.stepsCompleted == 12 && !summary.interrupted)
        for (a, b) in zip(straight.model.namedParameters, resumed.model.namedParameters) {
            #expect(a.tensor == b.tensor, "\(a.name)")
        }
        #expect(summary.ranks.values.reduce(0, +) == 16)
    }

    @Test("DyLoRA runs report the dev metric at several ranks")
    func dyLoRARanks() throws {
        let directory = try Support.temporaryDirectory()
        defer { Support.cleanUp(directory) }
        let run = try TrainingRun(options: Self.options(.clm), data: Self.data(), output: directory)
        var trainer = try Self.trainer(.dylora)
        let summary = try run.run(trainer: &trainer, stop: StopRequest()) { _ in }
        #expect(Set(summary.devMetricByRank?.keys.map { $0 } ?? []) == ["1", "2", "4"])
    }

    @Test("missing inputs are rejected before training")
    func validation() {
        #expect(throws: NeuralLMError.self) {
            try TrainingRun(
                options: Self.options(.mwer), data: TrainingData(trainSequences: [[1, 2]]),
                output: URL(fileURLWithPath: "/tmp"))
        }
        #expect(throws: NeuralLMError.self) {
            try TrainingRun(
                options: Self.options(.clm), data: TrainingData(), output: URL(fileURLWithPath: "/tmp"))
        }
    }

    @Test("token and N-best files are parsed and validated with line numbers")
    func files() throws {
        let directory = try Support.temporaryDirectory()
        defer { Support.cleanUp(directory) }
        let tokens = directory.appendingPathComponent("t.txt")
        try "3 4 5\n\n6 7\n".write(to: tokens, atomically: true, encoding: .utf8)
        #expect(
            try TrainingDataFiles.readTokenSequences(tokens, config: Support.tinyConfig) == [
                [1, 3, 4, 5, 2], [1, 6, 7, 2],
            ])
        try "3 4 99\n".write(to: tokens, atomically: true, encoding: .utf8)
        let error = try #require(throws: NeuralLMError.self) {
            try TrainingDataFiles.readTokenSequences(tokens, config: Support.tinyConfig)
        }
        #expect(error.message.contains("t.txt:1"))
        let nbest = directory.appendingPathComponent("n.jsonl")
        try """
        {"utteranceID":"a","reference":"x y","hypotheses":[{"text":"x y","totalScore":-1,"tokenIDs":[3,4]},{"text":"x","totalScore":-2,"tokenIDs":[3]}]}
        {"utteranceID":"b","reference":"z","hypotheses":[{"text":"z","totalScore":-1,"tokenIDs":[5]}]}

        """.write(to: nbest, atomically: true, encoding: .utf8)
        let examples = try TrainingDataFiles.readNBestExamples(nbest, config: Support.tinyConfig)
        #expect(examples.map(\.utteranceID) == ["a", "b"])
        #expect(examples[0].candidates.map(\.wordErrors) == [0, 1])
        try "{\"utteranceID\":\"a\"}\n".write(to: nbest, atomically: true, encoding: .utf8)
        let bad = try #require(throws: NeuralLMError.self) {
            try TrainingDataFiles.readNBestExamples(nbest, config: Support.tinyConfig)
        }
        #expect(bad.message.contains("n.jsonl:1"))
    }
}

/// Text inputs encoded by a tokenizer.
@Suite("Text data")
struct TextDataTests {
    @Test("text lines are encoded, framed and cut into context-sized windows")
    func textWindows() throws {
        let directory = try Support.temporaryDirectory()
        defer { Support.cleanUp(directory) }
        let url = directory.appendingPathComponent("text.txt")
        try "a b c\n\n\(String(repeating: "x ", count: 20))\n".write(
            to: url, atomically: true, encoding: .utf8)
        // One token per word: a=3, b=4, c=5, x=6. Context 16 leaves windows of 14.
        let encode: (String) throws -> [Int] = { text in
            text.split(separator: " ").map { ["a": 3, "b": 4, "c": 5, "x": 6][String($0)]! }
        }
        let sequences = try TrainingDataFiles.readTextSequences(
            url, config: Support.tinyConfig, encode: encode)
        #expect(sequences.count == 3)
        #expect(sequences[0] == [1, 3, 4, 5, 2])
        #expect(sequences[1] == [1] + Array(repeating: 6, count: 14) + [2])
        #expect(sequences[2] == [1] + Array(repeating: 6, count: 6) + [2])
        let error = try #require(throws: NeuralLMError.self) {
            try TrainingDataFiles.readTextSequences(url, config: Support.tinyConfig) { _ in [99] }
        }
        #expect(error.message.contains("text.txt:1"))
    }
}
