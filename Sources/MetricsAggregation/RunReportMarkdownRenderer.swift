import Foundation

/// Renders `RunReport`s as Markdown tables, in the notation of `Evaluation.MarkdownReportRenderer`.
///
/// `MarkdownReportRenderer` renders the detailed figures (significance tests, oracle@k) that
/// the aggregator writes to `--report-dir`; this renders the summary a `Report` message carries,
/// so `metrics-aggregator report --format markdown` works from `GetReport` alone.
public struct RunReportMarkdownRenderer: Sendable {
    public init() {}

    public func render(_ reports: [RunReport]) -> String {
        reports.map(render).joined(separator: "\n")
    }

    public func render(_ report: RunReport) -> String {
        var text = "## Run `\(report.run)` (\(report.records) records)\n\n"
        let header = [
            "Condition", "Utts", "Words", "WER₁", "S/D/I₁", "SER₁", "WER₂", "S/D/I₂", "SER₂", "WERR [CI]",
            "Oracle",
        ]
        let rows = report.conditions.map { c in
            [
                c.condition, "\(c.utterances)", "\(c.referenceWords)", percent(c.firstPass.wordErrorRate),
                counts(c.firstPass), percent(c.firstPass.sentenceErrorRate),
                percent(c.secondPass.wordErrorRate),
                counts(c.secondPass), percent(c.secondPass.sentenceErrorRate), estimate(c.werr),
                percent(c.oracleWER),
            ]
        }
        text += table(header: header, rows: rows)
        if !report.robustness.isEmpty {
            text += "\n"
            let header = ["Perturbation", "Figure", "Utts", "Relative [CI]", "ΔWER₂/ΔWER₁", "Flip rate"]
            let rows = report.robustness.map { r in
                [
                    "\(r.cleanCondition) → \(r.perturbedCondition)", r.figure, "\(r.matchedUtterances)",
                    estimate(r.degradation), plain(r.firstPassNormalised), percent(r.flipRate),
                ]
            }
            text += table(header: header, rows: rows)
        }
        return text
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

    private func counts(_ pass: PassSummary) -> String {
        "\(pass.substitutions)/\(pass.deletions)/\(pass.insertions)"
    }

    private func estimate(_ value: Estimate) -> String {
        guard value.value != nil else { return "n/a" }
        guard let lower = value.lower, let upper = value.upper else { return signedPercent(value.value) }
        return "\(signedPercent(value.value)) [\(signedPercent(lower)), \(signedPercent(upper))]"
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
}
