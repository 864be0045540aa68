import Evaluation
import FirstPass
import Foundation

/// The calibration gap as tables: printed aligned on a terminal, and as Markdown in `gap.md`.
/// Both come from the same rows, so the two cannot disagree.
extension CalibrationGapReport {
    /// A titled table whose first column names the figure.
    struct Table {
        var title: String
        var header: [String]
        var rows: [[String]]
    }

    /// The profile rows, dev and test; the rescoring rows; the simulator's parameters; the gap.
    var tables: [Table] {
        let names = conditions.map(\.name)
        let simulated = conditions.filter { $0.parameters != nil }
        return [
            Table(
                title: "Error profile of the dev lists", header: ["figure"] + names,
                rows: Self.profileRows(conditions.map(\.devProfile))),
            Table(
                title: "Error profile of the test lists", header: ["figure"] + names,
                rows: Self.profileRows(conditions.map(\.testProfile))),
            Table(
                title: "\(system): fusion tuned on each condition's dev lists, measured on its test lists",
                header: ["figure"] + names, rows: rescoringRows),
            Table(
                title: "Simulator parameters", header: ["parameter"] + simulated.map(\.name),
                rows: Self.parameterRows(simulated.compactMap(\.parameters))),
            Table(
                title: "Gap to the real lists (goal: |WERR sim − WERR real| ≤ WERR real / 3)",
                header: ["figure", "before (\(before.condition))", "after (\(after.condition))"],
                rows: [
                    ["WERR sim / WERR real"]
                        + [before, after].map {
                            Self.number($0.ratio) + Self.bounds($0.ratioInterval, Self.number)
                        },
                    ["WERR sim − WERR real"]
                        + [before, after].map {
                            Self.points($0.difference) + Self.bounds($0.differenceInterval, Self.points)
                        },
                    ["within a third of WERR real"] + [before, after].map { $0.withinAThird ? "yes" : "no" },
                ]),
        ]
    }

    /// The report as Markdown (`gap.md`).
    public func markdown() -> String {
        var lines = [
            "# Calibration gap: simulated against real N-best lists", "",
            "`\(command)`", "",
            "The same sentences (the real lists' references, ids and order) in three conditions:", "",
        ]
        lines += conditions.map { "- **\($0.name)**: \($0.label)" }
        lines += [
            "",
            "Real dev lists `\(devFile)`, real test lists `\(testFile)`. WERR = (WER₁ − WER₂) / WER₁ on "
                + "the test lists, with its \(confidenceText) paired-bootstrap interval. The simulator is "
                + "fitted on the real dev lists only.",
        ]
        for table in tables {
            lines += ["", "## \(table.title)", ""]
            lines.append("| " + table.header.joined(separator: " | ") + " |")
            lines.append(
                "|" + table.header.indices.map { $0 == 0 ? "---" : "---:" }.joined(separator: "|") + "|")
            lines += table.rows.map { "| " + $0.joined(separator: " | ") + " |" }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The report as aligned text for the terminal.
    public func text() -> String {
        var lines = conditions.map { "\($0.name): \($0.label)" }
        for table in tables {
            let widths = table.header.indices.map { column in
                ([table.header] + table.rows).map { $0[column].count }.max() ?? 0
            }
            func line(_ cells: [String]) -> String {
                cells.enumerated().map { column, cell in
                    column == 0
                        ? cell.padding(toLength: widths[0], withPad: " ", startingAt: 0)
                        : String(repeating: " ", count: widths[column] - cell.count) + cell
                }.joined(separator: "  ")
            }
            lines += ["", table.title, line(table.header)]
            lines += table.rows.map(line)
        }
        return lines.joined(separator: "\n")
    }

    private var confidenceText: String {
        let bootstrap = conditions.first?.figures.test.bootstrap ?? .standard
        return String(format: "%.0f%%", bootstrap.confidence * 100) + " (B = \(bootstrap.resamples))"
    }

    private var rescoringRows: [[String]] {
        let figures = conditions.map(\.figures)
        return [
            ["LM weight (tuned)"] + figures.map { Self.number($0.fusion.lmWeight) },
            ["length bonus (tuned)"] + figures.map { Self.number($0.fusion.lengthBonus) },
            ["dev WER, tuned"] + figures.map { Self.percent($0.devWER) },
            ["test WER, first pass"] + figures.map { Self.percent($0.test.firstPassWER.estimate) },
            ["test WER, rescored"] + figures.map { Self.interval($0.test.secondPassWER) },
            ["WERR"] + figures.map { Self.interval($0.test.rescoringWERR) },
        ]
    }

    /// The figures `secondpass calibrate` prints, one row each, under its names.
    static func profileRows(_ profiles: [ErrorProfile]) -> [[String]] {
        func row(_ name: String, _ value: (ErrorProfile) -> String) -> [String] {
            [name] + profiles.map(value)
        }
        var rows = [
            row("utterances") { "\($0.utterances)" },
            row("reference words") { "\($0.referenceWords)" },
            row("mean list size") { String(format: "%.2f", $0.meanListSize) },
            row("1-best WER") { percent($0.oneBestWER) },
            row("  substitutions (of errors)") { percent($0.substitutionShare) },
            row("  deletions (of errors)") { percent($0.deletionShare) },
            row("  insertions (of errors)") { percent($0.insertionShare) },
            row("  homophone subst. (of errors)") { percent($0.homophoneSubstitutionShare) },
            row("error-free 1-best (of utterances)") { percent($0.errorFreeShare) },
            row("per-utterance WER sd") { percent($0.perUtteranceWERSpread) },
        ]
        for (index, depth) in ErrorProfile.oracleDepths.enumerated() {
            rows.append(row("oracle WER@\(depth)") { percent($0.oracleWER[index]) })
        }
        rows += [
            row("reference in the list") { percent(1 - $0.referenceAbsentShare) },
            row("reference at rank 1") { percent($0.referenceRankShares[0]) },
            row("reference at rank 2–10") { percent($0.referenceRankShares.dropFirst().reduce(0, +)) },
            row("reference deeper") { percent($0.referenceDeeperShare) },
        ]
        return rows
    }

    static func parameterRows(_ parameters: [SimulatorParameters]) -> [[String]] {
        func row(_ name: String, _ value: (SimulatorParameters) -> String) -> [String] {
            [name] + parameters.map(value)
        }
        return [
            row("target WER") { $0.targetWER.map { percent($0) } ?? "none" },
            row("deletion bias") { number($0.deletionBias) },
            row("insertion bias") { number($0.insertionBias) },
            row("split/merge bias") { number($0.splitMergeBias) },
            row("acoustic scale κ") { number($0.acousticScale) },
            row("noise scale σ") { number($0.noiseScale) },
            row("difficulty dispersion") { number($0.difficultyDispersion) },
            row("list size N") { "\($0.listSize)" },
        ]
    }

    static func percent(_ value: Double?) -> String {
        value.map { String(format: "%.2f%%", $0 * 100) } ?? "n/a"
    }

    static func points(_ value: Double?) -> String {
        value.map { String(format: "%+.2f pt", $0 * 100) } ?? "n/a"
    }

    static func number(_ value: Double?) -> String {
        value.map { String(format: "%.3f", $0) } ?? "n/a"
    }

    /// " [lower, upper]" of an interval in `format`, or nothing when it is unknown.
    static func bounds(_ interval: ConfidenceInterval?, _ format: (Double?) -> String) -> String {
        guard let lower = interval?.lower, let upper = interval?.upper else { return "" }
        return " [" + format(lower) + ", " + format(upper) + "]"
    }

    static func interval(_ interval: ConfidenceInterval) -> String {
        guard let estimate = interval.estimate else { return "n/a" }
        guard let lower = interval.lower, let upper = interval.upper else { return percent(estimate) }
        return percent(estimate) + " [" + percent(lower) + ", " + percent(upper) + "]"
    }
}
