public import Evaluation
public import FirstPass

/// Every figure of `secondpass calibration-gap` (written as `gap.json`): the three conditions of
/// the same sentences and the gap of each simulated condition to the real one.
public struct CalibrationGapReport: Sendable, Codable {
    /// One kind of lists of the same sentences: real, uncalibrated or calibrated simulation.
    public struct Condition: Sendable, Codable {
        /// `real`, `uncalibrated` or `calibrated`.
        public var name: String
        /// Where the lists come from, as every table shows it.
        public var label: String
        /// The simulator's parameters (`nil` for the real lists).
        public var parameters: SimulatorParameters?
        /// The error profile of the dev and test lists (`secondpass calibrate`'s figures).
        public var devProfile: ErrorProfile
        public var testProfile: ErrorProfile
        /// The model with fusion tuned on this condition's dev lists, measured on its test lists.
        public var figures: SystemFigures
    }

    /// The command line that made the report.
    public var command: String
    /// The model (and adapter) whose WERR is compared.
    public var system: String
    public var devFile: String
    public var testFile: String
    public var conditions: [Condition]
    /// Uncalibrated against real (before calibration) and calibrated against real (after).
    public var before: CalibrationGapComparison
    public var after: CalibrationGapComparison

    public init(
        command: String, system: String, devFile: String, testFile: String, real: Condition,
        uncalibrated: Condition, calibrated: Condition
    ) {
        self.command = command
        self.system = system
        self.devFile = devFile
        self.testFile = testFile
        conditions = [real, uncalibrated, calibrated]
        let realWERR = real.figures.test.rescoringWERR.estimate
        before = CalibrationGapComparison(
            condition: uncalibrated.name, realWERR: realWERR,
            simulatedWERR: uncalibrated.figures.test.rescoringWERR.estimate)
        after = CalibrationGapComparison(
            condition: calibrated.name, realWERR: realWERR,
            simulatedWERR: calibrated.figures.test.rescoringWERR.estimate)
    }
}

/// How far a simulated condition's WERR is from the real lists' WERR, and the goal of issue 10:
/// |WERR_sim − WERR_real| ≤ WERR_real / 3.
public struct CalibrationGapComparison: Sendable, Hashable, Codable {
    /// The simulated condition compared with the real lists.
    public var condition: String
    public var realWERR: Double?
    public var simulatedWERR: Double?
    /// WERR_sim / WERR_real; `nil` when a WERR is undefined or the real WERR is 0.
    public var ratio: Double?
    /// WERR_sim − WERR_real.
    public var difference: Double?
    /// Paired-bootstrap intervals of ``difference`` and ``ratio`` (the same sentences resampled
    /// together in both conditions); `nil` until computed from the outcomes.
    public var differenceInterval: ConfidenceInterval?
    public var ratioInterval: ConfidenceInterval?
    /// Whether |WERR_sim − WERR_real| ≤ WERR_real / 3. False when the real WERR is not positive
    /// (there is no gain to be within a third of) or a WERR is undefined.
    public var withinAThird: Bool

    public init(condition: String, realWERR: Double?, simulatedWERR: Double?) {
        self.condition = condition
        differenceInterval = nil
        ratioInterval = nil
        self.realWERR = realWERR
        self.simulatedWERR = simulatedWERR
        guard let real = realWERR, let simulated = simulatedWERR else {
            ratio = nil
            difference = nil
            withinAThird = false
            return
        }
        ratio = real == 0 ? nil : simulated / real
        difference = simulated - real
        withinAThird = real > 0 && abs(simulated - real) <= real / 3
    }
}
