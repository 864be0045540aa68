public import Foundation
public import NeuralLM
public import RescoringCore
import Synchronization

/// What the run optimises.
public enum TrainingObjectiveKind: String, Sendable, Codable, CaseIterable {
    /// Causal LM on domain token sequences.
    case clm
    /// MWER on N-best lists (optionally with a CLM regulariser weight).
    case mwer
    /// CLM for `clmSteps` steps, then MWER.
    case clmThenMWER = "clm-then-mwer"
}

/// Inputs of a run: domain sequences (BOS/EOS framed) and N-best examples, each with a dev split.
public struct TrainingData: Sendable {
    public var trainSequences: [[Int]]
    public var devSequences: [[Int]]
    public var trainLists: [MWERExample]
    public var devLists: [MWERExample]

    public init(
        trainSequences: [[Int]] = [], devSequences: [[Int]] = [], trainLists: [MWERExample] = [],
        devLists: [MWERExample] = []
    ) {
        self.trainSequences = trainSequences
        self.devSequences = devSequences
        self.trainLists = trainLists
        self.devLists = devLists
    }
}

/// Settings of a run beyond the strategy and optimiser.
public struct TrainingRunOptions: Sendable, Codable {
    public var objective: TrainingObjectiveKind
    public var steps: Int
    /// Sequences (CLM) or N-best lists (MWER) per step.
    public var batchSize: Int
    public var fusion: ScoreFusion
    /// Weight of the CLM regulariser added to MWER (0 disables it).
    public var clmWeight: Double
    /// `clm-then-mwer`: steps of the CLM phase.
    public var clmSteps: Int
    public var evaluateEvery: Int
    public var checkpointEvery: Int
    /// Recorded as `base_model_name_or_path`.
    public var baseName: String

    public init(
        objective: TrainingObjectiveKind, steps: Int, batchSize: Int,
        fusion: ScoreFusion = .init(lmWeight: 0.5),
        clmWeight: Double = 0, clmSteps: Int = 0, evaluateEvery: Int = 50, checkpointEvery: Int = 100,
        baseName: String
    ) {
        self.objective = objective
        self.steps = steps
        self.batchSize = batchSize
        self.fusion = fusion
        self.clmWeight = clmWeight
        self.clmSteps = clmSteps
        self.evaluateEvery = evaluateEvery
        self.checkpointEvery = checkpointEvery
        self.baseName = baseName
    }
}

/// A flag set from a signal handler or another task and polled between steps.
public final class StopRequest: Sendable {
    private let flag = Atomic<Bool>(false)
    public init() {}
    public func request() { flag.store(true, ordering: .relaxed) }
    public var isRequested: Bool { flag.load(ordering: .relaxed) }
}

/// One progress line of a run.
public struct TrainingProgress: Sendable {
    public var report: StepReport
    public var totalSteps: Int
    public var tokensPerSecond: Double
    public var secondsRemaining: Double
    /// Set on steps that evaluated the dev set: WER when N-best dev lists exist, else dev loss.
    public var devMetric: (name: String, value: Double)?
    public var improved: Bool
}

/// The JSON summary written at the end of a run.
public struct TrainingSummary: Sendable, Codable {
    public var strategy: TrainingStrategy
    public var objective: TrainingObjectiveKind
    public var stepsCompleted: Int
    public var interrupted: Bool
    public var trainableParameters: Int
    public var trainingStateBytes: Int
    public var peakResidentBytes: Int
    public var meanSecondsPerStep: Double
    public var tokensPerSecond: Double
    public var finalLoss: Double?
    public var devMetricName: String?
    public var bestDevMetric: Double?
    public var bestStep: Int?
    /// Kept rank per module (AdaLoRA's final pattern, or the adapters' ranks).
    public var ranks: [String: Int]
    /// DyLoRA: dev metric at several truncation ranks of the one trained adapter.
    public var devMetricByRank: [String: Double]?
    public var outputDirectory: String
}

/// Drives an `AdapterTrainer` through a run: batches, objectives, dev evaluation, best and
/// periodic checkpoints, interruption.
///
/// Batch k of step t is item (t·batchSize + k) mod count, so a resumed run sees the same batches
/// as an uninterrupted one.
public struct TrainingRun {
    public var options: TrainingRunOptions
    public var data: TrainingData
    public var output: URL

    public init(options: TrainingRunOptions, data: TrainingData, output: URL) throws {
        guard options.steps >= 1, options.batchSize >= 1 else {
            throw NeuralLMError(.invalidConfiguration, "steps and batch size must be at least 1")
        }
        switch options.objective {
        case .clm:
            guard !data.trainSequences.isEmpty else {
                throw NeuralLMError(.invalidData, "the clm objective needs training token sequences")
            }
        case .mwer:
            guard !data.trainLists.isEmpty else {
                throw NeuralLMError(.invalidData, "the mwer objective needs training N-best lists")
            }
            guard options.clmWeight == 0 || !data.trainSequences.isEmpty else {
                throw NeuralLMError(.invalidData, "a CLM regulariser weight needs training token sequences")
            }
        case .clmThenMWER:
            guard !data.trainSequences.isEmpty, !data.trainLists.isEmpty else {
                throw NeuralLMError(.invalidData, "clm-then-mwer needs token sequences and N-best lists")
            }
            guard options.clmSteps >= 1, options.clmSteps < options.steps else {
                throw NeuralLMError(.invalidConfiguration, "clm-then-mwer needs 1 ≤ clm steps < steps")
            }
        }
        self.options = options
        self.data = data
        self.output = output
    }

    /// Checkpoint directory (resume reads it).
    public var checkpointDirectory: URL { output.appendingPathComponent("checkpoint") }

    private func batch<T>(_ items: [T], step: Int) -> [T] {
        (0..<min(options.batchSize, items.count)).map { items[(step * options.batchSize + $0) % items.count] }
    }

    private func usesMWER(atStep step: Int) -> Bool {
        switch options.objective {
        case .clm: false
        case .mwer: true
        case .clmThenMWER: step >= options.clmSteps
        }
    }

    /// Dev WER (N-best dev lists) or dev token NLL; `nil` without dev data.
    public func devMetric(model: GPT2Model) throws -> (name: String, value: Double)? {
        if !data.devLists.isEmpty {
            return try MWERObjective.wordErrorRate(
                model: model, examples: data.devLists, fusion: options.fusion
            )
            .map { ("dev_wer", $0) }
        }
        if !data.devSequences.isEmpty {
            let batches = stride(from: 0, to: data.devSequences.count, by: 16).map {
                TokenBatch(sequences: Array(data.devSequences[$0..<min($0 + 16, data.devSequences.count)]))
            }
            return ("dev_loss", try CausalLMObjective.loss(model: model, batches: batches))
        }
        return nil
    }

    /// Saves the trained weights: PEFT files for adapters, a Hugging Face directory for `full`.
    public func saveWeights(_ trainer: AdapterTrainer, to directory: URL) throws {
        if trainer.settings.strategy == .full {
            do {
                try trainer.model.save(huggingFaceDirectory: directory)
            } catch let error as NeuralLMError {
                throw NeuralLMError(.ioFailure, error.message)
            }
        } else {
            try PEFTAdapterFiles.save(
                model: trainer.model, configuration: trainer.settings.lora,
                adaLoRA: trainer.settings.strategy.adaLoRA,
                baseName: options.baseName, to: directory)
        }
    }

    /// Runs from the trainer's current step to `options.steps` or until `stop` is requested.
    public func run(
        trainer: inout AdapterTrainer, stop: StopRequest, progress: (TrainingProgress) -> Void
    ) throws -> TrainingSummary {
        var seconds: [Double] = []
        var tokens = 0
        var peak = ProcessMemory.residentBytes
        var best: (value: Double, step: Int)? = try loadBest()
        var lastLoss: Double? = nil
        var interrupted = false
        while trainer.step < options.steps {
            if stop.isRequested {
                interrupted = true
                break
            }
            let step = trainer.step
            let report: StepReport
            if usesMWER(atStep: step) {
                let lists = batch(data.trainLists, step: step)
                let clm =
                    options.clmWeight > 0
                    ? TokenBatch(sequences: batch(data.trainSequences, step: step)) : nil
                report = try trainer.trainStep { model, dropout in
                    try MWERObjective.evaluate(
                        model: model, examples: lists, fusion: options.fusion, clmBatch: clm,
                        clmWeight: options.clmWeight, dropout: &dropout)
                }
            } else {
                let sequences = TokenBatch(sequences: batch(data.trainSequences, step: step))
                report = try trainer.trainStep { model, dropout in
                    try CausalLMObjective.evaluate(model: model, batch: sequences, dropout: &dropout)
                }
            }
            seconds.append(report.seconds)
            tokens += report.tokenCount
            lastLoss = report.loss
            peak = max(peak, ProcessMemory.residentBytes)
            var metric: (name: String, value: Double)? = nil
            var improved = false
            if trainer.step % options.evaluateEvery == 0 || trainer.step == options.steps {
                metric = try devMetric(model: trainer.model)
                if let metric, best == nil || metric.value < best!.value {
                    best = (metric.value, trainer.step)
                    improved = true
                    try saveWeights(trainer, to: output.appendingPathComponent("best"))
                    try saveBest(value: metric.value, step: trainer.step)
                }
            }
            if trainer.step % options.checkpointEvery == 0 {
                try trainer.saveCheckpoint(to: checkpointDirectory)
            }
            let total = seconds.reduce(0, +)
            progress(
                TrainingProgress(
                    report: report, totalSteps: options.steps,
                    tokensPerSecond: total > 0 ? Double(tokens) / total : 0,
                    secondsRemaining: total / Double(seconds.count) * Double(options.steps - trainer.step),
                    devMetric: metric, improved: improved))
        }
        try trainer.saveCheckpoint(to: checkpointDirectory)
        try saveWeights(trainer, to: output.appendingPathComponent("final"))
        var byRank: [String: Double]? = nil
        if trainer.settings.strategy == .dylora {
            var probe = trainer.model
            var values: [String: Double] = [:]
            for rank in Set([1, max(1, trainer.settings.lora.rank / 2), trainer.settings.lora.rank]).sorted()
            {
                probe.setActiveRank(rank)
                if let metric = try devMetric(model: probe) { values[String(rank)] = metric.value }
            }
            byRank = values.isEmpty ? nil : values
        }
        let total = seconds.reduce(0, +)
        let summary = TrainingSummary(
            strategy: trainer.settings.strategy.name, objective: options.objective,
            stepsCompleted: trainer.step,
            interrupted: interrupted, trainableParameters: trainer.trainableParameterCount,
            trainingStateBytes: trainer.trainingStateBytes, peakResidentBytes: peak,
            meanSecondsPerStep: seconds.isEmpty ? 0 : total / Double(seconds.count),
            tokensPerSecond: total > 0 ? Double(tokens) / total : 0, finalLoss: lastLoss,
            devMetricName: try devMetric(model: trainer.model)?.name, bestDevMetric: best?.value,
            bestStep: best?.step,
            ranks: trainer.rankSummary, devMetricByRank: byRank, outputDirectory: output.path)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        do {
            try encoder.encode(summary).write(
                to: output.appendingPathComponent("summary.json"), options: .atomic)
        } catch {
            throw NeuralLMError(.ioFailure, "cannot write summary.json: \(error)")
        }
        return summary
    }

    private struct Best: Codable {
        var value: Double
        var step: Int
    }

    private func saveBest(value: Double, step: Int) throws {
        do {
            try JSONEncoder().encode(Best(value: value, step: step)).write(
                to: output.appendingPathComponent("best/best.json"), options: .atomic)
        } catch {
            throw NeuralLMError(.ioFailure, "cannot write best/best.json: \(error)")
        }
    }

    /// The best dev value of an earlier (interrupted) run in the same output directory.
    private func loadBest() throws -> (value: Double, step: Int)? {
        let url = output.appendingPathComponent("best/best.json")
        guard let data = try? Data(contentsOf: url) else { return nil }
        guard let best = try? JSONDecoder().decode(Best.self, from: data) else {
            throw NeuralLMError(.corruptFile, "\(url.path) is not a best-checkpoint record")
        }
        return (best.value, best.step)
    }
}
