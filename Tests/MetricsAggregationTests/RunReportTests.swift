import Evaluation
import Foundation
import MetricsAggregation
import Testing

@Suite("RunReport")
struct RunReportTests {
    private let settings = ReportBuilder(bootstrap: BootstrapSettings(resamples: 200))

    @Test("figures from the store equal Evaluation's computed directly on the same outcomes")
    func figuresMatchEvaluation() async throws {
        try await Fixtures.withDatabasePath { path in
            let outcomes = Fixtures.study(run: "lora") + Fixtures.outcomes(run: "other", condition: "clean")
            let store = try SQLiteOutcomeStore(path: path)
            _ = try await store.record(outcomes)
            let report = try RunReportBuilder(figures: settings).report(
                try await store.outcomes(run: "lora"), run: "lora")

            let direct = try OutcomeSet(outcomes)
            let conditions = ["clean", "homophone-1best:p=0.15", "nbest:p=0.1"]
            #expect(report.conditions.map(\.condition) == conditions)
            #expect(report.records == 3 * Fixtures.sentences.count)
            for (summary, condition) in zip(report.conditions, conditions) {
                let figures = try settings.conditionReport(direct, run: "lora", condition: condition)
                #expect(summary.utterances == figures.utteranceCount)
                #expect(summary.firstPass.wordErrorRate == figures.firstPass.wordErrorRate)
                #expect(summary.secondPass.wordErrorRate == figures.secondPass.wordErrorRate)
                #expect(summary.firstPass.substitutions == figures.firstPass.counts.substitutions)
                #expect(summary.secondPass.deletions == figures.secondPass.counts.deletions)
                #expect(summary.secondPass.insertions == figures.secondPass.counts.insertions)
                #expect(summary.secondPass.sentenceErrorRate == figures.secondPass.sentenceErrorRate)
                #expect(summary.werr.value == figures.rescoringWERR.estimate)
                #expect(summary.werr.lower == figures.rescoringWERR.lower)
                #expect(summary.werr.upper == figures.rescoringWERR.upper)
                #expect(summary.oracleWER == figures.oracleWholeList.wordErrorRate)
            }
            let sweep = try settings.robustnessReport(direct, run: "lora")
            #expect(report.robustness.map(\.figure) == ["D1", "NPRR"])
            #expect(report.robustness.count == sweep.figures.count)
            for (summary, figures) in zip(report.robustness, sweep.figures) {
                #expect(summary.perturbedCondition == figures.comparison.perturbedCondition)
                #expect(summary.degradation.value == figures.relativeDegradation.estimate)
                #expect(summary.degradation.lower == figures.relativeDegradation.lower)
                #expect(summary.flipRate == figures.flipRate.estimate)
                #expect(summary.firstPassNormalised == figures.firstPassNormalizedRatio.estimate)
                #expect(summary.matchedUtterances == figures.matchedUtterances)
            }
        }
    }

    @Test(
        "a twin condition is named D1-twin and a condition without shared utterances gets no robustness row")
    func figureNamesAndMissingOverlap() throws {
        var lonely = Fixtures.outcomes(run: "r", condition: "nbest:p=0.2")
        for index in lonely.indices { lonely[index].utteranceID = "other-\(index)" }
        let outcomes = try OutcomeSet(
            Fixtures.outcomes(run: "r", condition: "clean")
                + Fixtures.outcomes(run: "r", condition: "homophone-twin", choice: { _ in 0 }) + lonely)
        let report = try RunReportBuilder(figures: settings).report(outcomes, run: "r")
        #expect(report.conditions.count == 3)
        #expect(report.robustness.map(\.figure) == ["D1-twin"])
    }

    @Test("JSON round-trips to the same report")
    func jsonRoundTrip() throws {
        let report = try RunReportBuilder(figures: settings).report(
            try OutcomeSet(Fixtures.study(run: "r")), run: "r", generatedAt: Date(timeIntervalSince1970: 1))
        let json = try ReportFormat.json.render([report])
        #expect(try JSONDecoder().decode(RunReport.self, from: Data(json.utf8)) == report)
    }

    @Test("Markdown has a row per condition and per robustness figure")
    func markdownRows() throws {
        let report = try RunReportBuilder(figures: settings).report(
            try OutcomeSet(Fixtures.study(run: "r")), run: "r")
        let markdown = try ReportFormat.markdown.render([report])
        let lines = markdown.split(separator: "\n")
        #expect(lines.filter { $0.hasPrefix("| clean |") }.count == 1)
        #expect(lines.filter { $0.hasPrefix("| clean → nbest:p=0.1 | NPRR |") }.count == 1)
    }

    @Test("detailed Markdown is MarkdownReportRenderer's tables of the same figures")
    func detailedMarkdown() throws {
        let outcomes = try OutcomeSet(Fixtures.study(run: "r"))
        let builder = RunReportBuilder(figures: settings)
        let markdown = try builder.detailedMarkdown(outcomes, run: "r")
        let renderer = MarkdownReportRenderer()
        let conditions = try ["clean", "homophone-1best:p=0.15", "nbest:p=0.1"].map {
            try settings.conditionReport(outcomes, run: "r", condition: $0)
        }
        #expect(markdown.contains(renderer.render(conditions: conditions)))
        #expect(
            markdown.contains(renderer.render(robustness: try settings.robustnessReport(outcomes, run: "r"))))
    }
}
