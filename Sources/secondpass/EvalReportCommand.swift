import ArgumentParser
import Evaluation
import Foundation

/// `secondpass eval-report`: condition, robustness and system-comparison tables from outcome records.
///
/// Reads `UtteranceOutcome` records as JSON Lines (the aggregator's record form), builds every
/// report with `Evaluation.ReportBuilder` and prints Markdown tables (or JSON with `--json`).
struct EvalReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval-report",
        abstract: "WER, WERR, oracle, D1/NPRR tables from utterance outcome records (JSON Lines).")

    @Option(help: "JSON Lines file of utterance outcomes (one UtteranceOutcome per line).")
    var outcomes: String

    @Option(help: "Name of the clean condition perturbed conditions are compared with.")
    var cleanCondition = "clean"

    @Option(
        help: ArgumentHelp(
            "A perturbed condition and its figure: CONDITION=d1, CONDITION=d1-twin or CONDITION=nprr@P.",
            discussion: """
                Repeat for a sweep, e.g. --compare nbest-p0.1=nprr@0.1 --compare nbest-p0.2=nprr@0.2. \
                Without --compare every other condition is compared, its figure inferred from its name \
                (homophone... -> D1, ...twin... -> D1-twin, nbest...p=P -> NPRR).
                """))
    var compare: [String] = []

    @Option(help: "Baseline run: every other run is compared with it on each shared condition.")
    var baseline: String?

    @Option(help: "Bootstrap resamples B.")
    var resamples = 1000

    @Option(help: "Bootstrap seed.")
    var seed: UInt64 = BootstrapSettings.standard.seed

    @Flag(help: "Print the reports as JSON instead of Markdown.")
    var json = false

    func validate() throws {
        guard resamples >= 1 else {
            throw ValidationError("--resamples must be at least 1, got \(resamples)")
        }
    }

    func run() throws {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: outcomes))
        } catch {
            throw ValidationError("cannot read --outcomes \(outcomes): \(error.localizedDescription)")
        }
        let set = try OutcomeSet(jsonLines: data)
        guard !set.runs.isEmpty else {
            throw ValidationError("--outcomes \(outcomes) holds no outcome record")
        }
        let comparisons = try compare.map(parseComparison)
        let builder = ReportBuilder(bootstrap: BootstrapSettings(resamples: resamples, seed: seed))
        var conditionReports: [ConditionFigures] = []
        var robustnessReports: [RobustnessSweep] = []
        var systemComparisons: [SystemComparison] = []
        for run in set.runs {
            let conditions = set.conditions(run: run)
            for condition in conditions {
                conditionReports.append(try builder.conditionReport(set, run: run, condition: condition))
            }
            // Without --compare, every non-clean condition is compared, its figure read from its name.
            let candidates =
                comparisons.isEmpty
                ? conditions.filter { $0 != cleanCondition }.map {
                    PerturbationComparison(inferringFrom: $0, cleanCondition: cleanCondition)
                } : comparisons
            let applicable = candidates.filter {
                conditions.contains($0.cleanCondition) && conditions.contains($0.perturbedCondition)
            }
            if !applicable.isEmpty {
                robustnessReports.append(try builder.robustnessReport(set, run: run, comparisons: applicable))
            }
            if let baseline, run != baseline {
                for condition in conditions where set.conditions(run: baseline).contains(condition) {
                    systemComparisons.append(
                        try builder.systemComparison(
                            set, baselineRun: baseline, systemRun: run, condition: condition))
                }
            }
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            let all = Reports(
                conditions: conditionReports, robustness: robustnessReports, comparisons: systemComparisons)
            print(String(decoding: try encoder.encode(all), as: UTF8.self))
            return
        }
        let renderer = MarkdownReportRenderer()
        print("## Conditions\n\n" + renderer.render(conditions: conditionReports))
        for report in robustnessReports {
            print("## Robustness\n\n" + renderer.render(robustness: report))
        }
        if !systemComparisons.isEmpty {
            print(
                "## Systems against `\(baseline ?? "")`\n\n" + renderer.render(comparisons: systemComparisons)
            )
        }
    }

    private struct Reports: Encodable {
        var conditions: [ConditionFigures]
        var robustness: [RobustnessSweep]
        var comparisons: [SystemComparison]
    }

    /// Parses CONDITION=d1 | CONDITION=d1-twin | CONDITION=nprr@P.
    private func parseComparison(_ text: String) throws -> PerturbationComparison {
        let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
        guard parts.count == 2, !parts[0].isEmpty else {
            throw ValidationError("--compare expects CONDITION=FIGURE, got '\(text)'")
        }
        let kind: PerturbationComparison.Kind
        switch parts[1].lowercased() {
        case "d1": kind = .homophoneOneBest
        case "d1-twin": kind = .homophoneTwin
        case let figure where figure.hasPrefix("nprr@"):
            guard let p = Double(figure.dropFirst(5)), p > 0, p <= 1 else {
                throw ValidationError("--compare: NPRR probability must be in (0, 1], got '\(parts[1])'")
            }
            kind = .nBest(probability: p)
        default:
            throw ValidationError("--compare: figure must be d1, d1-twin or nprr@P, got '\(parts[1])'")
        }
        return PerturbationComparison(
            kind: kind, cleanCondition: cleanCondition, perturbedCondition: parts[0])
    }
}
