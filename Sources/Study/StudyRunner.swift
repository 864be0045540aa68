public import Adaptation
import Evaluation
import FirstPass
import Foundation
import NGram
import NeuralLM
import Phonetics
import Rescoring
import RescoringCore

/// Runs a study: baselines per domain, then every cell of the grid not finished yet, then the
/// study files (JSON, Markdown report, SVG plots) from every finished cell in the folder.
///
/// Each cell trains through `Adaptation`'s `TrainingRun` (the code behind `secondpass train`),
/// keeps its best-dev-WER weights, and is measured by `SystemEvaluator`. A finished cell's JSON
/// is never redone; a cell interrupted in training resumes from its checkpoint, bit-identically.
public struct StudyRunner {
    public var inputs: StudyInputs
    public var settings: StudySettings
    public var grid: StudyGrid
    public var folder: StudyFolder
    /// The command line, quoted in the report so it can be rerun.
    public var command: String

    public init(
        inputs: StudyInputs, settings: StudySettings, grid: StudyGrid, folder: StudyFolder, command: String
    ) {
        self.inputs = inputs
        self.settings = settings
        self.grid = grid
        self.folder = folder
        self.command = command
    }

    /// Runs what is left and writes the study files.
    ///
    /// - Parameters:
    ///   - stop: polled between training steps and between cells; a request ends the run with
    ///     `StudyError.interrupted` after the current step is checkpointed.
    ///   - log: one progress line at a time (cells, training steps, ETA).
    public func run(stop: StopRequest = StopRequest(), log: (String) -> Void = { _ in }) throws
        -> StudyResults
    {
        try settings.validate()
        let manifest = try StudyManifest(inputs: inputs, settings: settings)
        try folder.open(with: manifest)
        let base: GPT2Model
        let tokenizer: BPETokenizer
        do {
            base = try GPT2Model(huggingFaceDirectory: inputs.baseModel)
            tokenizer = try TokenizerFile.read(
                from: inputs.baseModel.appendingPathComponent("tokenizer.json"))
        } catch {
            throw StudyError(.invalidInput, "cannot load the base model \(inputs.baseModel.path): \(error)")
        }
        let homophones = try Self.homophones(inputs)
        let builder = ReportBuilder(bootstrap: settings.bootstrap)
        let done = grid.cells.filter { FileManager.default.fileExists(atPath: folder.result($0).path) }
        var remaining = grid.cells.count - done.count
        log(
            "study: \(grid.cells.count) cells, \(done.count) already done, \(remaining) to run in \(folder.root.path)"
        )
        let started = ContinuousClock.now
        var finished = 0

        for domain in inputs.domains where grid.cells.contains(where: { $0.domain == domain.domain.name }) {
            if stop.isRequested {
                throw StudyError(.interrupted, "interrupted before domain \(domain.domain.name)")
            }
            log("\(domain.domain.name): reading lists and text (\(domain.domain.label))")
            let data = try DomainData(
                domain, folder: folder, settings: settings, config: base.config, tokenizer: tokenizer,
                homophones: homophones)
            let baselines = try baselineFigures(
                data, base: base, tokenizer: tokenizer, builder: builder, log: log)
            let baselineOutcomes = try Self.readOutcomes(folder.baselineOutcomes(domain.domain.name))
            for cell in grid.cells where cell.domain == domain.domain.name {
                if FileManager.default.fileExists(atPath: folder.result(cell).path) {
                    continue
                }
                if stop.isRequested { throw StudyError(.interrupted, "interrupted before cell \(cell.id)") }
                let elapsed = Self.seconds(ContinuousClock.now - started)
                let eta =
                    finished > 0
                    ? " · ETA " + Self.duration(elapsed / Double(finished) * Double(remaining)) : ""
                log("cell \(grid.cells.count - remaining + 1)/\(grid.cells.count) \(cell.id)\(eta)")
                let result = try runCell(
                    cell, data: data, baseFusion: baselines.base.fusion, base: base, tokenizer: tokenizer,
                    builder: builder, baselineOutcomes: baselineOutcomes, stop: stop, log: log)
                finished += 1
                remaining -= 1
                log(
                    "done \(cell.id): test WER \(Self.percent(result.figures.test.secondPassWER.estimate)), "
                        + "\(result.trainableParameters) trainable parameters, "
                        + "\(Self.duration(result.trainingSeconds)) training")
            }
        }
        let results = try collect()
        try StudyJSON.write(results, to: folder.studyJSON)
        try write(StudyReport(results: results).markdown(), to: folder.report)
        try write(StudyPlots.werAgainstParameters(results), to: folder.werPlot)
        try write(StudyPlots.robustnessByStrategy(results), to: folder.robustnessPlot)
        log("wrote \(folder.studyJSON.path), \(folder.report.path) and two SVG plots")
        return results
    }

    /// Every finished cell and baseline in the folder (also those outside this run's `--cells`),
    /// with the answers computed from them.
    public func collect() throws(StudyError) -> StudyResults {
        var domains: [DomainResults] = []
        for domain in inputs.domains {
            let baselineFile = folder.baseline(domain.domain.name)
            guard FileManager.default.fileExists(atPath: baselineFile.path) else { continue }
            let baselines = try StudyJSON.read(BaselineFigures.self, from: baselineFile)
            var cells: [CellResult] = []
            for cell in StudyGrid(domains: [domain.domain.name]).cells {
                let file = folder.result(cell)
                if FileManager.default.fileExists(atPath: file.path) {
                    cells.append(try StudyJSON.read(CellResult.self, from: file))
                }
            }
            domains.append(DomainResults(baselines: baselines, cells: cells))
        }
        return StudyResults(command: command, settings: settings, domains: domains)
    }

    // MARK: Baselines

    private func baselineFigures(
        _ data: DomainData, base: GPT2Model, tokenizer: BPETokenizer, builder: ReportBuilder,
        log: (String) -> Void
    ) throws -> BaselineFigures {
        let name = data.inputs.domain.name
        let file = folder.baseline(name)
        if FileManager.default.fileExists(atPath: file.path),
            FileManager.default.fileExists(atPath: folder.baselineOutcomes(name).path)
        {
            return try StudyJSON.read(BaselineFigures.self, from: file)
        }
        let evaluator = SystemEvaluator(builder: builder, dev: data.dev, conditions: data.conditions)
        log(
            "\(name): baseline base model (tuning on \(data.dev.count) dev lists, \(data.conditions.conditions.count) test conditions)"
        )
        let engine = RescoringEngine(model: base, tokenizer: tokenizer, modelID: StudyRuns.base)
        let evaluated = try evaluator.evaluate(
            system: StudyRuns.base, scorer: .engine(engine, adapter: nil), baselines: OutcomeSet())
        var baseFigures = evaluated.0
        log("\(name): baseline Kneser-Ney trigram on \(data.trainLines.count) training sentences")
        let lm: BackoffNGramModel
        do {
            // KenLM's discount fallback only applies where an estimate fails (tiny texts, as in tests).
            lm = try KneserNey.train(
                sentences: data.trainLines,
                configuration: .init(order: 3, fallbackDiscounts: KneserNey.Configuration.kenLMFallback)
            ).model
        } catch {
            throw StudyError(.invalidInput, "\(name): cannot train the trigram: \(error)")
        }
        let clean = try evaluated.1.only(condition: TestConditions.clean)
        let (trigramFigures, trigramOutcomes) = try evaluator.evaluate(
            system: StudyRuns.trigram, scorer: .ngram(lm), baselines: clean)
        var both = clean
        try both.merge(try trigramOutcomes.only(condition: TestConditions.clean))
        baseFigures.versusTrigram = try builder.systemComparison(
            both, baselineRun: StudyRuns.trigram, systemRun: StudyRuns.base, condition: TestConditions.clean)
        let figures = BaselineFigures(
            domain: data.inputs.domain, base: baseFigures, trigram: trigramFigures,
            trigramSentences: data.trainLines.count)
        try write(try both.jsonLines(), to: folder.baselineOutcomes(name))
        try StudyJSON.write(figures, to: file)
        return figures
    }

    // MARK: Cells

    private struct Timing: Codable {
        var seconds: Double
    }

    private func runCell(
        _ cell: StudyCell, data: DomainData, baseFusion: ScoreFusion, base: GPT2Model,
        tokenizer: BPETokenizer,
        builder: ReportBuilder, baselineOutcomes: OutcomeSet, stop: StopRequest, log: (String) -> Void
    ) throws -> CellResult {
        let work = folder.work(cell)
        let output = work.appendingPathComponent("train")
        let steps = settings.steps
        let options = TrainingRunOptions(
            objective: cell.objective, steps: steps, batchSize: settings.batchSize, fusion: baseFusion,
            clmSteps: cell.objective == .clmThenMWER
                ? min(steps - 1, max(1, Int((Double(steps) * settings.clmShare).rounded()))) : 0,
            evaluateEvery: max(1, settings.evaluateEvery), checkpointEvery: max(1, settings.checkpointEvery),
            baseName: inputs.baseModel.lastPathComponent)
        let run = try TrainingRun(
            options: options,
            data: TrainingData(
                trainSequences: data.trainSequences, trainLists: data.devExamples, devLists: data.devExamples),
            output: output)
        let checkpoint = run.checkpointDirectory.appendingPathComponent("trainer_state.json")
        var trainer: AdapterTrainer
        if FileManager.default.fileExists(atPath: checkpoint.path) {
            trainer = try AdapterTrainer(resumingFrom: run.checkpointDirectory, base: base)
            log("  \(cell.id): resuming from its checkpoint at step \(trainer.step)/\(steps)")
        } else {
            let schedule = LearningRateSchedule(
                peak: settings.learningRate, warmupSteps: max(1, min(10, steps / 10)), totalSteps: steps)
            trainer = try AdapterTrainer(
                base: base, settings: cell.strategy.settings(steps: steps),
                optimization: OptimizationSettings(schedule: schedule, seed: settings.seed))
        }
        let firstStep = trainer.step
        let summary = try run.run(trainer: &trainer, stop: stop) { progress in
            let step = progress.report.step
            guard step % max(1, settings.evaluateEvery) == 0 || step == progress.totalSteps else { return }
            var line = String(
                format: "  %@ step %d/%d loss %.4f", cell.id, step, progress.totalSteps, progress.report.loss)
            if let metric = progress.devMetric {
                line += String(format: " %@ %.4f%@", metric.name, metric.value, progress.improved ? " *" : "")
            }
            log(line + " · cell training ETA " + Self.duration(progress.secondsRemaining))
        }
        let timingFile = work.appendingPathComponent("timing.json")
        var timing = (try? StudyJSON.read(Timing.self, from: timingFile)) ?? Timing(seconds: 0)
        timing.seconds += summary.meanSecondsPerStep * Double(summary.stepsCompleted - firstStep)
        try StudyJSON.write(timing, to: timingFile)
        if summary.interrupted {
            throw StudyError(
                .interrupted,
                "interrupted in \(cell.id) at step \(summary.stepsCompleted)/\(steps); "
                    + "run the same command again to resume from its checkpoint")
        }

        let best = output.appendingPathComponent("best")
        let weights =
            FileManager.default.fileExists(atPath: best.path) ? best : output.appendingPathComponent("final")
        let engine: RescoringEngine
        let adapter: String?
        do {
            if cell.strategy == .full {
                engine = RescoringEngine(
                    model: try GPT2Model(huggingFaceDirectory: weights), tokenizer: tokenizer,
                    modelID: cell.id)
                adapter = nil
            } else {
                var model = base
                try PEFTAdapterFiles.loadServing(named: cell.id, from: weights, into: &model)
                engine = RescoringEngine(model: model, tokenizer: tokenizer, modelID: StudyRuns.base)
                adapter = cell.id
            }
        } catch {
            throw StudyError(
                .corruptResult, "\(cell.id): cannot load the trained weights \(weights.path): \(error)")
        }
        log(
            "  \(cell.id): tuning fusion on dev and rescoring \(data.conditions.conditions.count) test conditions"
        )
        let (figures, outcomes) = try SystemEvaluator(
            builder: builder, dev: data.dev, conditions: data.conditions
        )
        .evaluate(system: cell.id, scorer: .engine(engine, adapter: adapter), baselines: baselineOutcomes)
        try write(try outcomes.jsonLines(), to: work.appendingPathComponent("outcomes.jsonl"))
        let result = CellResult(
            cell: cell, trainableParameters: summary.trainableParameters, ranks: summary.ranks,
            trainingSeconds: timing.seconds, steps: summary.stepsCompleted, bestStep: summary.bestStep,
            figures: figures)
        try StudyJSON.write(result, to: folder.result(cell))
        return result
    }

    // MARK: Helpers

    private static func homophones(_ inputs: StudyInputs) throws -> HomophoneIndex {
        let lexicon: Lexicon
        do {
            lexicon = try Lexicon(contentsOfFile: inputs.lexicon.path, strict: false)
        } catch {
            throw StudyError(.invalidInput, "the lexicon \(inputs.lexicon.path): \(error)")
        }
        let (frequencies, missing) = WordFrequencies.counting(files: inputs.wordCounts.map(\.path))
        guard missing.isEmpty, frequencies.total > 0 else {
            throw StudyError(
                .invalidInput, "word-count files missing or empty: \(missing.joined(separator: ", "))")
        }
        return HomophoneIndex(lexicon: lexicon, frequencies: frequencies, minimumCount: 2)
    }

    private static func readOutcomes(_ url: URL) throws -> OutcomeSet {
        do {
            return try OutcomeSet(jsonLines: Data(contentsOf: url))
        } catch {
            throw StudyError(.corruptResult, "cannot read the baseline outcomes \(url.path): \(error)")
        }
    }

    private func write(_ text: String, to url: URL) throws(StudyError) { try write(Data(text.utf8), to: url) }

    private func write(_ data: Data, to url: URL) throws(StudyError) {
        do {
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try data.write(to: url, options: .atomic)
        } catch {
            throw StudyError(.ioFailure, "cannot write \(url.path): \(error.localizedDescription)")
        }
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
    }

    static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0 else { return "?" }
        let s = Int(seconds.rounded())
        return s >= 3600
            ? "\(s / 3600) h \(s % 3600 / 60) min" : s >= 60 ? "\(s / 60) min \(s % 60) s" : "\(s) s"
    }

    static func percent(_ value: Double?) -> String {
        value.map { String(format: "%.2f%%", $0 * 100) } ?? "n/a"
    }
}
