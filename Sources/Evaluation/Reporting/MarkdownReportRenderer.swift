import Foundation

/// Renders reports as GitHub-flavoured Markdown tables for the CLI, the study and the docs.
///
/// Rates print as percentages with two decimals, relative figures as signed percentages,
/// intervals as `[lower, upper]`; undefined values print as "n/a" so a table never hides a
/// division by zero behind a number.
public struct MarkdownReportRenderer: Sendable {
    public init() {}

    /// One row per (run, condition): WERs, SER, rescoring WERR, MAPSSWE p and oracle WERs.
    public func render(conditions reports: [ConditionFigures]) -> String {
        let ks = Array(Set(reports.flatMap { $0.oracle.map(\.k) })).sorted()
        var header = ["Run", "Condition", "Utts", "WER₁", "WER₂ [CI]", "SER₂", "WERR [CI]", "MAPSSWE p"]
        header += ks.map { "Oracle@\($0)" }
        var rows: [[String]] = []
        for report in reports {
            var row = [
                report.run, report.condition, "\(report.utteranceCount)",
                percent(report.firstPass.wordErrorRate),
                interval(report.secondPassWER, format: percent),
                percent(report.secondPass.sentenceErrorRate),
                interval(report.rescoringWERR, format: signedPercent),
                pValue(report.firstVersusSecondPass.pValue),
            ]
            row += ks.map { k in percent(report.oracle.first { $0.k == k }?.wordErrorRate) }
            rows.append(row)
        }
        return table(header: header, rows: rows) + footnote(reports.first?.bootstrap)
    }

    /// One row per perturbation: WER₂ clean/perturbed, the relative figure, the normalised ratio, flips.
    public func render(robustness report: RobustnessSweep) -> String {
        let header = [
            "Perturbation", "Figure", "Utts", "WER₂ clean", "WER₂ pert.", "WER₁ clean", "WER₁ pert.",
            "Relative [CI]", "ΔWER₂/ΔWER₁ [CI]", "Flip rate [CI]",
        ]
        let rows = report.figures.map { figure in
            [
                "\(figure.comparison.cleanCondition) → \(figure.comparison.perturbedCondition)",
                figure.comparison.figureName, "\(figure.matchedUtterances)",
                percent(figure.secondPassClean.estimate), percent(figure.secondPassPerturbed.estimate),
                percent(figure.firstPassClean.estimate), percent(figure.firstPassPerturbed.estimate),
                interval(figure.relativeDegradation, format: signedPercent),
                interval(figure.firstPassNormalizedRatio, format: plain),
                interval(figure.flipRate, format: percent),
            ]
        }
        return "Run `\(report.run)`\n\n" + table(header: header, rows: rows) + footnote(report.bootstrap)
    }

    /// One row per system comparison.
    public func render(comparisons: [SystemComparison]) -> String {
        let header = [
            "Condition", "Baseline", "System", "Utts", "WER base", "WER sys", "Δ [CI]", "WERR [CI]", "p",
        ]
        let rows = comparisons.map { c in
            [
                c.condition, c.baselineRun, c.systemRun, "\(c.matchedUtterances)",
                percent(c.baselineWER.estimate),
                percent(c.systemWER.estimate), interval(c.difference, format: signedPercent),
                interval(c.werr, format: signedPercent), pValue(c.matchedPairs.pValue),
            ]
        }
        return table(header: header, rows: rows) + footnote(comparisons.first?.bootstrap)
    }

    /// States how the intervals were computed, so a table is never read without its settings.
    private func footnote(_ settings: BootstrapSettings?) -> String {
        guard let settings else { return "" }
        return String(
            format: "\nIntervals: %g%% paired bootstrap over utterances, B = %d, seed %llu.\n",
            settings.confidence * 100, settings.resamples, settings.seed)
    }

    private func table(header: [String], rows: [[String]]) -> String {
        var lines = ["| " + header.joined(separator: " | ") + " |"]
        lines.append("|" + header.map { _ in "---" }.joined(separator: "|") + "|")
        for row in rows {
            lines.append(
                "| " + row.map { $0.replacingOccurrences(of: "|", with: "\\|") }.joined(separator: " | ")
                    + " |")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private func interval(_ ci: ConfidenceInterval, format: (Double?) -> String) -> String {
        guard ci.estimate != nil else { return "n/a" }
        guard ci.lower != nil else { return format(ci.estimate) }
        return "\(format(ci.estimate)) [\(format(ci.lower)), \(format(ci.upper))]"
    }

    private func percent(_ value: Double?) -> String {
        guard let value else { return "n/a" }
        return String(format: "%.2f%%", value * 100)
    }

    private func signedPercent(_ value: Double?) -> String {
        guard let value else { return "n/a" }
        return String(format: "%+.2f%%", value * 100)
    }

    private func plain(_ value: Double?) -> String {
        guard let value else { return "n/a" }
        return String(format: "%.3f", value)
    }

    private func pValue(_ value: Double) -> String {
        value < 0.001 ? "<0.001" : String(format: "%.3f", value)
    }
}
