public import Evaluation
public import FirstPass
public import Foundation
import OfflineRescoring
public import Rescoring

/// The calibration gap of issue 10: how far the simulator's lists are from real decoder lists,
/// before and after `secondpass calibrate --fit`, for the error profile and for what matters in
/// the end, the same model's WERR.
///
/// Three conditions of the same sentences: the real lists; the default simulator at the real
/// dev lists' 1-best WER (uncalibrated); the simulator fitted to the real dev lists
/// (`SimulatedLists.calibrated`, `calibrate --fit`'s fit; never fitted on test). In each, fusion
/// is tuned on the dev lists and the model is measured on the test lists by `SystemEvaluator`
/// (`secondpass tune`'s search, `secondpass rescore`'s rescorer, `ReportBuilder`'s figures).
public struct CalibrationGap: Sendable {
    public struct Settings: Sendable, Hashable {
        /// Seed of the simulated lists and of the calibration's simulations.
        public var seed: UInt64
        /// References simulated at each calibration step (the first of the real dev lists).
        public var calibrationSample: Int
        /// Largest number of simulator evaluations while fitting.
        public var calibrationEvaluations: Int
        public var bootstrap: BootstrapSettings

        public init(
            seed: UInt64 = 1, calibrationSample: Int = 200, calibrationEvaluations: Int = 80,
            bootstrap: BootstrapSettings = .standard
        ) {
            self.seed = seed
            self.calibrationSample = calibrationSample
            self.calibrationEvaluations = calibrationEvaluations
            self.bootstrap = bootstrap
        }
    }

    /// The real lists and the files they were read from (their names label the figures).
    public var real: CalibrationGapLists
    public var devFile: URL
    public var testFile: URL
    /// The phonetic model of the simulator (`SimulatedLists.model`).
    public var phonetic: PhoneticConfusionModel
    /// The model scoring every condition, and the loaded adapter that scores (`nil`: the model alone).
    public var engine: RescoringEngine
    public var adapter: String?
    /// How the model is named in the report (model directory, adapter).
    public var system: String
    public var settings: Settings
    /// The command line, quoted in the report.
    public var command: String

    public init(
        real: CalibrationGapLists, devFile: URL, testFile: URL, phonetic: PhoneticConfusionModel,
        engine: RescoringEngine, adapter: String?, system: String, settings: Settings, command: String
    ) {
        self.real = real
        self.devFile = devFile
        self.testFile = testFile
        self.phonetic = phonetic
        self.engine = engine
        self.adapter = adapter
        self.system = system
        self.settings = settings
        self.command = command
    }

    /// Makes the simulated lists, measures the three conditions and writes into `output`: the
    /// lists of every condition (`lists/CONDITION/`), the outcomes (`outcomes/CONDITION.jsonl`),
    /// `gap.json` and `gap.md`.
    public func run(output: URL, log: (String) -> Void = { _ in }) throws -> CalibrationGapReport {
        let names = (dev: devFile.lastPathComponent, test: testFile.lastPathComponent)
        let listsFolder = output.appendingPathComponent("lists")
        let realFiles = try real.write(to: listsFolder.appendingPathComponent("real"), names: names)
        let realDevProfile = try profile(real.dev, of: "the real dev lists")

        let targetWER = min(realDevProfile.oneBestWER, 0.95)
        var uncalibrated = SimulatedLists.uncalibrated(targetWER: targetWER)
        uncalibrated.label =
            "simulated, uncalibrated: default simulator at the real dev lists' 1-best WER "
            + String(format: "(%.1f%%) as target", targetWER * 100)
        log(
            "fitting the simulator to the \(real.dev.count) real dev lists "
                + "(\(min(settings.calibrationSample, real.dev.count)) references, "
                + "at most \(settings.calibrationEvaluations) evaluations)")
        let calibrated = try SimulatedLists.calibrated(
            model: phonetic, to: realFiles.dev, sample: settings.calibrationSample,
            maximumEvaluations: settings.calibrationEvaluations, seed: settings.seed)
        log(calibrated.label)

        let real = Self.Measured(
            name: "real",
            label: "recorded lists \(names.dev) and \(names.test) as they are (\(self.real.dev.count) dev, "
                + "\(self.real.test.count) test lists)", parameters: nil, lists: self.real)
        var conditions = [real]
        for (name, simulator) in [("uncalibrated", uncalibrated), ("calibrated", calibrated)] {
            let lists = try self.real.simulated(by: simulator, model: phonetic, seed: settings.seed)
            _ = try lists.write(to: listsFolder.appendingPathComponent(name), names: names)
            conditions.append(
                Measured(name: name, label: simulator.label, parameters: simulator.parameters, lists: lists))
        }

        var measured: [(condition: CalibrationGapReport.Condition, outcomes: OutcomeSet)] = []
        for condition in conditions {
            log(
                "\(condition.name): tuning fusion on \(condition.lists.dev.count) dev lists, "
                    + "rescoring \(condition.lists.test.count) test lists")
            measured.append(try measure(condition, outcomes: output.appendingPathComponent("outcomes")))
        }
        var report = CalibrationGapReport(
            command: command, system: system, devFile: devFile.path, testFile: testFile.path,
            real: measured[0].condition, uncalibrated: measured[1].condition,
            calibrated: measured[2].condition)
        for (index, keyPath) in [(1, \CalibrationGapReport.before), (2, \CalibrationGapReport.after)] {
            let intervals = try CalibrationGapComparison.intervals(
                real: measured[0].outcomes, simulated: measured[index].outcomes, run: run,
                bootstrap: settings.bootstrap)
            report[keyPath: keyPath].differenceInterval = intervals.difference
            report[keyPath: keyPath].ratioInterval = intervals.ratio
        }
        try StudyJSON.write(report, to: output.appendingPathComponent("gap.json"))
        let markdown = output.appendingPathComponent("gap.md")
        do {
            try Data(report.markdown().utf8).write(to: markdown, options: .atomic)
        } catch {
            throw StudyError(.ioFailure, "cannot write \(markdown.path): \(error.localizedDescription)")
        }
        return report
    }

    /// A condition's lists before they are measured.
    private struct Measured {
        var name: String
        var label: String
        var parameters: SimulatorParameters?
        var lists: CalibrationGapLists
    }

    /// The outcome run name of the model.
    private var run: String { adapter ?? StudyRuns.base }

    private func measure(_ condition: Measured, outcomes folder: URL) throws -> (
        condition: CalibrationGapReport.Condition, outcomes: OutcomeSet
    ) {
        let evaluator = SystemEvaluator(
            builder: ReportBuilder(bootstrap: settings.bootstrap), dev: condition.lists.dev,
            conditions: TestConditions(onlyClean: condition.lists.test))
        let (figures, outcomes) = try evaluator.evaluate(
            system: run, scorer: .engine(engine, adapter: adapter),
            baselines: OutcomeSet())
        let file = folder.appendingPathComponent("\(condition.name).jsonl")
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try outcomes.jsonLines().write(to: file, options: .atomic)
        } catch {
            throw StudyError(.ioFailure, "cannot write \(file.path): \(error)")
        }
        let measured = CalibrationGapReport.Condition(
            name: condition.name, label: condition.label, parameters: condition.parameters,
            devProfile: try profile(condition.lists.dev, of: "the \(condition.name) dev lists"),
            testProfile: try profile(condition.lists.test, of: "the \(condition.name) test lists"),
            figures: figures)
        return (measured, outcomes)
    }

    private func profile(_ records: [NBestRecord], of what: String) throws(StudyError) -> ErrorProfile {
        do {
            return try ErrorProfile.measure(records, lexicon: phonetic.lexicon)
        } catch {
            throw StudyError(.invalidInput, "cannot profile \(what): \(error)")
        }
    }
}

extension TestConditions {
    /// The clean lists alone: the calibration gap compares conditions of lists, not perturbations.
    init(onlyClean records: [NBestRecord]) {
        conditions = [Condition(name: Self.clean, comparison: nil, records: records)]
    }
}
