import Evaluation

/// The study's Markdown report: the command, the settings, one WER table and one robustness
/// table per domain (baselines in the same tables), and the answers computed by `StudyAnswer`.
public struct StudyReport: Sendable {
    public var results: StudyResults

    public init(results: StudyResults) { self.results = results }

    private static func pct(_ value: Double?) -> String {
        value.map { String(format: "%.2f%%", $0 * 100) } ?? "n/a"
    }

    private static func signed(_ value: Double?) -> String {
        value.map { String(format: "%+.1f%%", $0 * 100) } ?? "n/a"
    }

    private static func interval(_ ci: ConfidenceInterval?, signed: Bool = true) -> String {
        guard let ci else { return "—" }
        let format = signed ? Self.signed : Self.pct
        guard ci.lower != nil else { return format(ci.estimate) }
        return "\(format(ci.estimate)) [\(format(ci.lower)), \(format(ci.upper))]"
    }

    private static func p(_ test: MatchedPairsTest?) -> String {
        guard let value = test?.pValue else { return "—" }
        return value < 0.001 ? "<0.001" : String(format: "%.3f", value)
    }

    private static func versus(_ comparison: SystemComparison?) -> String {
        guard let comparison else { return "—" }
        return "\(interval(comparison.werr)), p \(p(comparison.matchedPairs))"
    }

    private static func parameters(_ count: Int) -> String {
        count >= 1_000_000
            ? String(format: "%.2f M", Double(count) / 1e6)
            : count >= 1000 ? String(format: "%.1f k", Double(count) / 1e3) : "\(count)"
    }

    private static func row(_ name: String, _ parameters: String, _ time: String, _ figures: SystemFigures)
        -> String
    {
        "| \(name) | \(parameters) | \(time) | \(pct(figures.devWER)) | \(interval(figures.test.secondPassWER, signed: false)) | "
            + "\(interval(figures.test.rescoringWERR)), p \(Self.p(figures.test.firstVersusSecondPass)) | "
            + "\(versus(figures.versusTrigram)) | \(versus(figures.versusBase)) |"
    }

    public func markdown() -> String {
        var lines = ["# SecondPass study", ""]
        lines += [
            "Command:", "", "```", results.command, "```", "",
            "Settings: \(results.settings.summary). Intervals are 95% paired bootstraps over utterances; p values are MAPSSWE. "
                + "Fusion weights and the kept checkpoint of every system are chosen on the dev lists, never on test.",
            "",
        ]
        for (domain, answer) in zip(results.domains, results.answers) {
            let base = domain.baselines
            lines += ["## \(domain.domain.name)", "", "First-pass lists: \(domain.domain.label).", ""]
            lines += [
                "| system | trainable params | training | dev WER | test WER [CI] | WERR vs first pass [CI], p | WERR vs trigram [CI], p | WERR vs base [CI], p |",
                "|---|---|---|---|---|---|---|---|",
                "| first pass | — | — | — | \(Self.interval(base.base.test.firstPassWER, signed: false)) | — | — | — |",
                Self.row("base model (unadapted)", "0", "—", base.base),
                Self.row("Kneser-Ney trigram (\(base.trigramSentences) sentences)", "—", "—", base.trigram),
            ]
            for cell in domain.cells {
                lines.append(
                    Self.row(
                        cell.cell.id, Self.parameters(cell.trainableParameters),
                        StudyRunner.duration(cell.trainingSeconds), cell.figures))
            }
            lines += ["", "Robustness (relative WER₂ degradation, perturbed vs clean test lists):", ""]
            let sweep = results.settings.nBestRates
            lines.append(
                "| system | D1 [CI] | D1-twin [CI] | "
                    + sweep.map { "NPRR p=\($0) [CI]" }.joined(separator: " | ") + " |")
            lines.append("|---|---|---|" + String(repeating: "---|", count: sweep.count))
            let systems = [base.base, base.trigram] + domain.cells.map(\.figures)
            for figures in systems {
                var cells = [
                    Self.interval(figures.robustness("D1")?.relativeDegradation),
                    Self.interval(figures.robustness("D1-twin")?.relativeDegradation),
                ]
                cells += sweep.map { Self.interval(figures.robustness("NPRR", p: $0)?.relativeDegradation) }
                lines.append("| \(figures.system) | " + cells.joined(separator: " | ") + " |")
            }
            lines += ["", "**Answer (computed from the figures above).**", ""]
            lines += answer.sentences.map { "- \($0)" }
            lines.append("")
        }
        lines += [
            "Plots: [WER against trainable parameters](wer-vs-parameters.svg), "
                + "[robustness by strategy](robustness.svg). Every figure is in `study.json`.",
            "",
        ]
        return lines.joined(separator: "\n")
    }
}
