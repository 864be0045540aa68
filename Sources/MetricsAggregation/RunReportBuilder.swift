public import Evaluation
public import Foundation

/// Computes a `RunReport` from stored outcomes through `Evaluation.ReportBuilder`.
///
/// Every figure comes from `ReportBuilder`, so the aggregator, the CLI and the study agree on
/// each definition; this type only chooses which figures a run gets: every condition's figures,
/// and a robustness figure for every other condition that shares utterances with the clean one.
public struct RunReportBuilder: Sendable {
    public var figures: ReportBuilder

    public init(figures: ReportBuilder = ReportBuilder()) {
        self.figures = figures
    }

    /// The detailed figures of `run` (for Markdown with significance tests and oracle@k).
    public func detailed(_ outcomes: OutcomeSet, run: String, cleanCondition: String = "clean") throws
        -> (conditions: [ConditionFigures], robustness: RobustnessSweep)
    {
        let conditions = try outcomes.conditions(run: run).map {
            try figures.conditionReport(outcomes, run: run, condition: $0)
        }
        let names = outcomes.conditions(run: run)
        var comparisons: [PerturbationComparison] = []
        if names.contains(cleanCondition) {
            let clean = Set(outcomes.outcomes(run: run, condition: cleanCondition).map(\.utteranceID))
            for perturbed in names where perturbed != cleanCondition {
                // A condition with no utterance in common with the clean one has no robustness
                // figure yet (its records may still be arriving); its condition figures stand.
                guard
                    outcomes.outcomes(run: run, condition: perturbed).contains(where: {
                        clean.contains($0.utteranceID)
                    })
                else { continue }
                comparisons.append(
                    PerturbationComparison(inferringFrom: perturbed, cleanCondition: cleanCondition))
            }
        }
        let sweep = try figures.robustnessReport(outcomes, run: run, comparisons: comparisons)
        return (conditions, sweep)
    }

    /// The detailed figures of `run` as Markdown through `Evaluation.MarkdownReportRenderer`:
    /// intervals, MAPSSWE p-values and oracle WER@k that the summary `RunReport` leaves out.
    public func detailedMarkdown(_ outcomes: OutcomeSet, run: String, cleanCondition: String = "clean") throws
        -> String
    {
        let (conditions, sweep) = try detailed(outcomes, run: run, cleanCondition: cleanCondition)
        let renderer = MarkdownReportRenderer()
        var text = "## Run `\(run)`: detailed figures\n\n" + renderer.render(conditions: conditions)
        if !sweep.figures.isEmpty { text += "\n" + renderer.render(robustness: sweep) }
        return text
    }

    /// The report of `run`; a run without outcomes gets an empty report.
    ///
    /// - Parameter generatedAt: the time stamped on the report (the caller's clock, for tests).
    public func report(
        _ outcomes: OutcomeSet, run: String, cleanCondition: String = "clean", generatedAt: Date = Date()
    ) throws -> RunReport {
        let (conditions, sweep) = try detailed(outcomes, run: run, cleanCondition: cleanCondition)
        return RunReport(
            run: run, cleanCondition: cleanCondition,
            records: conditions.reduce(0) { $0 + $1.utteranceCount },
            generatedAtUnixMilliseconds: Int64((generatedAt.timeIntervalSince1970 * 1000).rounded()),
            conditions: conditions.map(ConditionSummary.init),
            robustness: sweep.figures.map(RobustnessSummary.init))
    }
}
