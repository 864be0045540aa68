import Foundation
import Testing

@testable import Evaluation

/// A small study with hand-computed figures (see each utterance's comment).
private func studyOutcomes() -> [UtteranceOutcome] {
    func outcome(
        _ run: String, _ condition: String, _ id: String, _ reference: String, _ list: [String], _ chosen: Int
    )
        -> UtteranceOutcome
    {
        UtteranceOutcome(
            run: run, condition: condition, utteranceID: id, reference: reference, firstPassTexts: list,
            chosenIndex: chosen, chosenText: list[chosen])
    }
    return [
        // u1: clean e₁ 0 e₂ 0; perturbed e₁ 1 e₂ 1, chosen index flips 0 → 1.
        outcome("sys", "clean", "u1", "a b c d", ["a b c d", "a b c x"], 0),
        outcome("sys", "homophone", "u1", "a b c d", ["a bee c d", "a b c x"], 1),
        // u2: clean e₁ 1 e₂ 0; perturbed e₁ 2 e₂ 0.
        outcome("sys", "clean", "u2", "e f g h", ["e f g x", "e f g h"], 1),
        outcome("sys", "homophone", "u2", "e f g h", ["e eff g x", "e f g h"], 1),
        // u3: clean e₁ 1 e₂ 1; perturbed e₁ 2 e₂ 2, same index, different text.
        outcome("sys", "clean", "u3", "i j k l", ["i j k m"], 0),
        outcome("sys", "homophone", "u3", "I j k l", ["eye j k m"], 0),
        // u4: error-free in both.
        outcome("sys", "clean", "u4", "n o p q", ["n o p q"], 0),
        outcome("sys", "homophone", "u4", "n o p q", ["n o p q"], 0),
        // u5: only clean (ignored by the robustness comparison).
        outcome("sys", "clean", "u5", "r s", ["r s"], 0),
        // Baseline run: always keeps the first-pass 1-best.
        outcome("base", "clean", "u1", "a b c d", ["a b c d", "a b c x"], 0),
        outcome("base", "clean", "u2", "e f g h", ["e f g x", "e f g h"], 0),
        outcome("base", "clean", "u3", "i j k l", ["i j k m"], 0),
        outcome("base", "clean", "u4", "n o p q", ["n o p q"], 0),
    ]
}

@Suite("Robustness and reports")
struct RobustnessTests {
    private let builder = ReportBuilder(bootstrap: BootstrapSettings(resamples: 300, seed: 5))

    @Test func outcomesAreCountedOnceAndConflictsRejected() throws {
        var set = try OutcomeSet(studyOutcomes())
        let first = studyOutcomes()[0]
        #expect(try set.insert(first) == false)
        #expect(set.count == studyOutcomes().count)
        var changed = first
        changed.chosenIndex = 1
        changed.chosenText = "a b c x"
        #expect {
            try set.insert(changed)
        } throws: { ($0 as? EvaluationError)?.code == .conflictingDuplicate }
        var bad = first
        bad.utteranceID = "new"
        bad.chosenIndex = 7
        #expect { try set.insert(bad) } throws: { ($0 as? EvaluationError)?.code == .indexOutOfRange }
        bad.firstPassTexts = []
        #expect { try set.insert(bad) } throws: { ($0 as? EvaluationError)?.code == .missingData }
        #expect(set.runs == ["base", "sys"])
        #expect(set.conditions(run: "sys") == ["clean", "homophone"])
    }

    @Test func homophoneFiguresMatchHandComputation() throws {
        let set = try OutcomeSet(studyOutcomes())
        let report = try builder.robustnessReport(
            set, run: "sys",
            comparisons: [PerturbationComparison(kind: .homophoneOneBest, perturbedCondition: "homophone")])
        let figures = try #require(report.figures.first)
        #expect(figures.matchedUtterances == 4)
        #expect(figures.onlyClean == 1)
        #expect(figures.onlyPerturbed == 0)
        // N = 16; e₂ clean 1, perturbed 3; e₁ clean 2, perturbed 5.
        #expect(figures.secondPassClean.estimate == 1.0 / 16)
        #expect(figures.secondPassPerturbed.estimate == 3.0 / 16)
        #expect(figures.firstPassClean.estimate == 2.0 / 16)
        #expect(figures.firstPassPerturbed.estimate == 5.0 / 16)
        #expect(figures.relativeDegradation.estimate == 2.0)
        #expect(abs(try #require(figures.firstPassNormalizedRatio.estimate) - 2.0 / 3.0) < 1e-12)
        #expect(figures.flipRate.estimate == 0.25)
        #expect(figures.textChangeRate.estimate == 0.5)
        #expect(figures.comparison.figureName == "D1")
        // Resamples with no clean second-pass error leave D1 undefined; they are counted.
        #expect(figures.relativeDegradation.definedResamples < 300)
        #expect(figures.relativeDegradation.definedResamples > 0)
        #expect(figures.flipRate.definedResamples == 300)
    }

    @Test func unchangedFirstPassLeavesNormalisedRatioUndefined() throws {
        var outcomes = studyOutcomes().filter { $0.run == "sys" && $0.condition == "clean" }
        outcomes += outcomes.map {
            var copy = $0
            copy.condition = "nbest-p0.1"
            return copy
        }
        let report = try builder.robustnessReport(
            try OutcomeSet(outcomes), run: "sys",
            comparisons: [
                PerturbationComparison(kind: .nBest(probability: 0.1), perturbedCondition: "nbest-p0.1")
            ])
        let figures = try #require(report.figures.first)
        #expect(figures.comparison.figureName == "NPRR")
        #expect(figures.relativeDegradation.estimate == 0)
        #expect(figures.firstPassNormalizedRatio.estimate == nil)
        #expect(figures.firstPassNormalizedRatio.definedResamples == 0)
        #expect(figures.flipRate.estimate == 0)
    }

    @Test func missingAndInconsistentDataAreTypedErrors() throws {
        let set = try OutcomeSet(studyOutcomes())
        #expect {
            try builder.robustnessReport(
                set, run: "sys",
                comparisons: [PerturbationComparison(kind: .homophoneTwin, perturbedCondition: "twin")])
        } throws: { ($0 as? EvaluationError)?.code == .missingData }
        #expect {
            try builder.conditionReport(set, run: "nobody", condition: "clean")
        } throws: { ($0 as? EvaluationError)?.code == .missingData }
        var outcomes = studyOutcomes()
        outcomes[1].reference = "a b c e"
        #expect {
            try builder.robustnessReport(
                try OutcomeSet(outcomes), run: "sys",
                comparisons: [
                    PerturbationComparison(kind: .homophoneOneBest, perturbedCondition: "homophone")
                ])
        } throws: { ($0 as? EvaluationError)?.code == .inconsistentReference }
    }

    @Test func conditionReportFigures() throws {
        let report = try builder.conditionReport(
            try OutcomeSet(studyOutcomes()), run: "sys", condition: "clean")
        // Five utterances, N = 18; e₁ = 2, e₂ = 1.
        #expect(report.utteranceCount == 5)
        #expect(report.firstPass.counts.errors == 2)
        #expect(report.secondPass.counts.errors == 1)
        #expect(report.secondPassWER.estimate == 1.0 / 18)
        #expect(report.rescoringWERR.estimate == 0.5)
        #expect(report.oracle.map(\.summary.counts.errors) == [2, 1, 1, 1])
        #expect(report.secondPassErrors.topConfusions == [.init(reference: "l", hypothesis: "m", count: 1)])
        #expect(report.firstVersusSecondPass.meanDifference == 0.2)
    }

    @Test func systemComparisonAgainstBaseline() throws {
        let comparison = try builder.systemComparison(
            try OutcomeSet(studyOutcomes()), baselineRun: "base", systemRun: "sys", condition: "clean")
        #expect(comparison.matchedUtterances == 4)
        #expect(comparison.onlySystem == 1)
        #expect(comparison.baselineWER.estimate == 2.0 / 16)
        #expect(comparison.systemWER.estimate == 1.0 / 16)
        #expect(comparison.difference.estimate == -1.0 / 16)
        #expect(comparison.werr.estimate == 0.5)
    }

    @Test func reportsRenderAndRoundTrip() throws {
        let set = try OutcomeSet(studyOutcomes())
        let robustness = try builder.robustnessReport(
            set, run: "sys",
            comparisons: [PerturbationComparison(kind: .homophoneOneBest, perturbedCondition: "homophone")])
        let condition = try builder.conditionReport(set, run: "sys", condition: "clean")
        let renderer = MarkdownReportRenderer()
        let robustnessTable = renderer.render(robustness: robustness)
        #expect(robustnessTable.contains("| clean → homophone | D1 | 4 | 6.25% | 18.75%"))
        #expect(robustnessTable.contains("+200.00% ["))
        #expect(robustnessTable.contains("Intervals: 95% paired bootstrap over utterances, B = 300, seed 5."))
        let conditionTable = renderer.render(conditions: [condition])
        #expect(conditionTable.hasPrefix("| Run | Condition | Utts | WER₁ | WER₂ [CI] |"))
        #expect(conditionTable.contains("| sys | clean | 5 | 11.11% | 5.56% ["))
        let encoder = JSONEncoder()
        let decoder = JSONDecoder()
        #expect(try decoder.decode(RobustnessSweep.self, from: encoder.encode(robustness)) == robustness)
        #expect(try decoder.decode(ConditionFigures.self, from: encoder.encode(condition)) == condition)
    }
}

@Suite("Perturbation inference")
struct PerturbationInferenceTests {
    @Test(arguments: [
        ("homophone-1best:p=0.15", PerturbationComparison.Kind.homophoneOneBest, "D1"),
        ("homophone-1best-twin", .homophoneTwin, "D1-twin"),
        ("nbest:p=0.1", .nBest(probability: 0.1), "NPRR"),
        ("nbest-p0.05", .nBest(probability: 0.05), "NPRR"),
        ("nbest", .nBest(probability: nil), "NPRR"),
        ("noise", .unspecified, "relative"),
    ])
    func kindFromConditionName(name: String, kind: PerturbationComparison.Kind, figure: String) {
        let comparison = PerturbationComparison(inferringFrom: name)
        #expect(comparison.kind == kind)
        #expect(comparison.figureName == figure)
        #expect(comparison.cleanCondition == "clean")
    }

    @Test func builderComparesEveryOtherCondition() throws {
        var outcomes = studyOutcomes().filter { $0.run == "sys" }
        outcomes += outcomes.filter { $0.condition == "clean" }.map {
            var copy = $0
            copy.condition = "nbest:p=0.2"
            return copy
        }
        let builder = ReportBuilder(bootstrap: BootstrapSettings(resamples: 50))
        let report = try builder.robustnessReport(try OutcomeSet(outcomes), run: "sys")
        #expect(report.figures.map(\.comparison.perturbedCondition) == ["homophone", "nbest:p=0.2"])
        #expect(report.figures.map(\.comparison.figureName) == ["D1", "NPRR"])
        let condition = try builder.conditionReport(try OutcomeSet(outcomes), run: "sys", condition: "clean")
        #expect(condition.oracleWholeList.k == 2)
        #expect(condition.oracleWholeList.summary.counts.errors == 1)
    }
}

@Suite("Silence-only conditions")
struct SilenceTests {
    @Test func emptyReferencesWithEmptyOutputHaveZeroWER() throws {
        let outcomes = (0..<3).map {
            UtteranceOutcome(
                run: "r", condition: "clean", utteranceID: "s\($0)", reference: "", firstPassTexts: [""],
                chosenIndex: 0, chosenText: "")
        }
        let report = try ReportBuilder(bootstrap: BootstrapSettings(resamples: 20)).conditionReport(
            try OutcomeSet(outcomes), run: "r", condition: "clean")
        #expect(report.secondPassWER.estimate == 0)
        #expect(report.secondPassWER.upper == 0)
        #expect(report.rescoringWERR.estimate == nil)
        #expect(report.rescoringWERR.definedResamples == 0)
    }
}
