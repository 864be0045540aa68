public import Evaluation

/// The aggregator's report of one run: figures per condition and robustness per perturbation.
///
/// A summary of `Evaluation`'s `ConditionFigures` and `RobustnessFigures` with exactly what the
/// wire `Report` carries, so a report read back from `GetReport` renders the same as one built
/// in process. Undefined figures (a WERR with WER₁ = 0) are `nil`.
public struct RunReport: Sendable, Hashable, Codable {
    public var run: String
    /// The condition robustness figures compare against.
    public var cleanCondition: String
    /// Stored outcomes of the run.
    public var records: Int
    /// When the report was computed, milliseconds since 1970.
    public var generatedAtUnixMilliseconds: Int64
    /// One entry per condition, sorted by name.
    public var conditions: [ConditionSummary]
    /// One entry per perturbed condition that shares utterances with the clean one.
    public var robustness: [RobustnessSummary]

    public init(
        run: String, cleanCondition: String, records: Int, generatedAtUnixMilliseconds: Int64,
        conditions: [ConditionSummary], robustness: [RobustnessSummary]
    ) {
        self.run = run
        self.cleanCondition = cleanCondition
        self.records = records
        self.generatedAtUnixMilliseconds = generatedAtUnixMilliseconds
        self.conditions = conditions
        self.robustness = robustness
    }
}

/// Corpus figures of one pass (first-pass 1-best or rescored output) over a condition.
public struct PassSummary: Sendable, Hashable, Codable {
    public var substitutions: Int
    public var deletions: Int
    public var insertions: Int
    public var wordErrorRate: Double?
    public var sentenceErrorRate: Double?

    public init(
        substitutions: Int, deletions: Int, insertions: Int, wordErrorRate: Double?,
        sentenceErrorRate: Double?
    ) {
        self.substitutions = substitutions
        self.deletions = deletions
        self.insertions = insertions
        self.wordErrorRate = wordErrorRate
        self.sentenceErrorRate = sentenceErrorRate
    }

    /// The summary of `Evaluation`'s corpus totals.
    public init(_ summary: CorpusSummary) {
        self.init(
            substitutions: summary.counts.substitutions, deletions: summary.counts.deletions,
            insertions: summary.counts.insertions, wordErrorRate: summary.wordErrorRate,
            sentenceErrorRate: summary.sentenceErrorRate)
    }
}

/// A point estimate with its paired-bootstrap interval; any part may be undefined.
public struct Estimate: Sendable, Hashable, Codable {
    public var value: Double?
    public var lower: Double?
    public var upper: Double?

    public init(value: Double?, lower: Double? = nil, upper: Double? = nil) {
        self.value = value
        self.lower = lower
        self.upper = upper
    }

    public init(_ interval: ConfidenceInterval) {
        self.init(value: interval.estimate, lower: interval.lower, upper: interval.upper)
    }
}

/// First- and second-pass figures of one condition.
public struct ConditionSummary: Sendable, Hashable, Codable {
    public var condition: String
    public var utterances: Int
    public var referenceWords: Int
    public var firstPass: PassSummary
    public var secondPass: PassSummary
    /// (WER₁ − WER₂) / WER₁ with its interval.
    public var werr: Estimate
    /// Oracle WER over whole first-pass lists.
    public var oracleWER: Double?

    public init(
        condition: String, utterances: Int, referenceWords: Int, firstPass: PassSummary,
        secondPass: PassSummary,
        werr: Estimate, oracleWER: Double?
    ) {
        self.condition = condition
        self.utterances = utterances
        self.referenceWords = referenceWords
        self.firstPass = firstPass
        self.secondPass = secondPass
        self.werr = werr
        self.oracleWER = oracleWER
    }

    /// The summary of `Evaluation`'s figures.
    public init(_ figures: ConditionFigures) {
        self.init(
            condition: figures.condition, utterances: figures.utteranceCount,
            referenceWords: figures.secondPass.counts.referenceWords,
            firstPass: PassSummary(figures.firstPass),
            secondPass: PassSummary(figures.secondPass), werr: Estimate(figures.rescoringWERR),
            oracleWER: figures.oracleWholeList.wordErrorRate)
    }
}

/// How one perturbed condition compares with the clean one (Docs/metrics.md).
public struct RobustnessSummary: Sendable, Hashable, Codable {
    public var perturbedCondition: String
    public var cleanCondition: String
    /// "D1", "D1-twin", "NPRR" or "relative".
    public var figure: String
    public var matchedUtterances: Int
    /// (WER₂(perturbed) − WER₂(clean)) / WER₂(clean) with its interval.
    public var degradation: Estimate
    /// Share of matched utterances whose chosen hypothesis index changed.
    public var flipRate: Double?
    /// (WER₂(perturbed) − WER₂(clean)) / (WER₁(perturbed) − WER₁(clean)).
    public var firstPassNormalised: Double?

    public init(
        perturbedCondition: String, cleanCondition: String, figure: String, matchedUtterances: Int,
        degradation: Estimate, flipRate: Double?, firstPassNormalised: Double?
    ) {
        self.perturbedCondition = perturbedCondition
        self.cleanCondition = cleanCondition
        self.figure = figure
        self.matchedUtterances = matchedUtterances
        self.degradation = degradation
        self.flipRate = flipRate
        self.firstPassNormalised = firstPassNormalised
    }

    /// The summary of `Evaluation`'s figures.
    public init(_ figures: RobustnessFigures) {
        self.init(
            perturbedCondition: figures.comparison.perturbedCondition,
            cleanCondition: figures.comparison.cleanCondition, figure: figures.comparison.figureName,
            matchedUtterances: figures.matchedUtterances, degradation: Estimate(figures.relativeDegradation),
            flipRate: figures.flipRate.estimate,
            firstPassNormalised: figures.firstPassNormalizedRatio.estimate)
    }
}
