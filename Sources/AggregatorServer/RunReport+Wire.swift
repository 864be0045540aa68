public import MetricsAggregation
public import RescoringMessages

// The wire↔domain conversion of reports. Undefined figures (`nil` in the domain) travel as NaN,
// since proto3 doubles have no presence; an interval is absent when either bound is undefined.

extension Report {
    /// The wire form of a run's report.
    public init(_ report: RunReport) {
        self.init(
            runID: report.run, conditions: report.conditions.map(ConditionReport.init),
            robustness: report.robustness.map(RobustnessReport.init), records: UInt64(report.records),
            generatedAtUnixMilliseconds: report.generatedAtUnixMilliseconds)
    }
}

extension RunReport {
    /// The domain form of a wire report; `cleanCondition` is the one the request named.
    public init(_ report: Report, cleanCondition: String) {
        self.init(
            run: report.runID, cleanCondition: cleanCondition, records: Int(report.records),
            generatedAtUnixMilliseconds: report.generatedAtUnixMilliseconds,
            conditions: report.conditions.map(ConditionSummary.init),
            robustness: report.robustness.map(RobustnessSummary.init))
    }
}

extension ConditionReport {
    public init(_ summary: ConditionSummary) {
        self.init(
            condition: summary.condition, utterances: UInt64(summary.utterances),
            referenceWords: UInt64(summary.referenceWords),
            substitutions: UInt64(summary.secondPass.substitutions),
            deletions: UInt64(summary.secondPass.deletions),
            insertions: UInt64(summary.secondPass.insertions),
            firstPassWER: wire(summary.firstPass.wordErrorRate),
            rescoredWER: wire(summary.secondPass.wordErrorRate),
            werr: wire(summary.werr.value), werrCI: interval(summary.werr),
            oracleWER: wire(summary.oracleWER),
            sentenceErrorRate: wire(summary.secondPass.sentenceErrorRate),
            firstPassSubstitutions: UInt64(summary.firstPass.substitutions),
            firstPassDeletions: UInt64(summary.firstPass.deletions),
            firstPassInsertions: UInt64(summary.firstPass.insertions),
            firstPassSentenceErrorRate: wire(summary.firstPass.sentenceErrorRate))
    }
}

extension ConditionSummary {
    public init(_ message: ConditionReport) {
        self.init(
            condition: message.condition, utterances: Int(message.utterances),
            referenceWords: Int(message.referenceWords),
            firstPass: PassSummary(
                substitutions: Int(message.firstPassSubstitutions),
                deletions: Int(message.firstPassDeletions),
                insertions: Int(message.firstPassInsertions), wordErrorRate: domain(message.firstPassWER),
                sentenceErrorRate: domain(message.firstPassSentenceErrorRate)),
            secondPass: PassSummary(
                substitutions: Int(message.substitutions), deletions: Int(message.deletions),
                insertions: Int(message.insertions), wordErrorRate: domain(message.rescoredWER),
                sentenceErrorRate: domain(message.sentenceErrorRate)),
            werr: estimate(message.werr, message.werrCI), oracleWER: domain(message.oracleWER))
    }
}

extension RobustnessReport {
    public init(_ summary: RobustnessSummary) {
        self.init(
            perturbedCondition: summary.perturbedCondition, cleanCondition: summary.cleanCondition,
            degradation: wire(summary.degradation.value), degradationCI: interval(summary.degradation),
            flipRate: wire(summary.flipRate), firstPassNormalised: wire(summary.firstPassNormalised),
            figure: summary.figure, matchedUtterances: UInt64(summary.matchedUtterances))
    }
}

extension RobustnessSummary {
    public init(_ message: RobustnessReport) {
        self.init(
            perturbedCondition: message.perturbedCondition, cleanCondition: message.cleanCondition,
            figure: message.figure, matchedUtterances: Int(message.matchedUtterances),
            degradation: estimate(message.degradation, message.degradationCI),
            flipRate: domain(message.flipRate),
            firstPassNormalised: domain(message.firstPassNormalised))
    }
}

private func wire(_ value: Double?) -> Double { value ?? .nan }

private func domain(_ value: Double) -> Double? { value.isNaN ? nil : value }

private func interval(_ estimate: Estimate) -> Interval? {
    guard let lower = estimate.lower, let upper = estimate.upper else { return nil }
    return Interval(low: lower, high: upper)
}

private func estimate(_ value: Double, _ interval: Interval?) -> Estimate {
    Estimate(
        value: domain(value), lower: interval.flatMap { domain($0.low) },
        upper: interval.flatMap { domain($0.high) })
}
