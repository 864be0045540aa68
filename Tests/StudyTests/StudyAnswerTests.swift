import Adaptation
import Evaluation
import Study
import Testing

/// The answer logic on hand-made figures: which cell represents each family, the verdicts and
/// the goals, and the sentences quoting the numbers.
@Suite struct StudyAnswerTests {
    static func ci(_ value: Double, _ half: Double = 0.01) -> ConfidenceInterval {
        ConfidenceInterval(
            estimate: value, lower: value - half, upper: value + half, confidence: 0.95,
            definedResamples: 1000,
            resamples: 1000)
    }

    static func entry(
        _ strategy: StudyStrategy, dev: Double, test: Double, parameters: Int, d1: Double, nprr: [Double],
        werr: Double = 0.1, versusTrigram: Double = 0.05, objective: TrainingObjectiveKind = .clm
    ) -> StudyAnswer.Entry {
        StudyAnswer.Entry(
            cell: StudyCell(domain: "d", strategy: strategy, objective: objective),
            trainableParameters: parameters,
            devWER: dev, testWER: test, werrVersusFirstPass: ci(werr), werrVersusTrigram: ci(versusTrigram),
            d1: ci(d1), nprr: nprr.map { ci($0) })
    }

    @Test func theOriginalFindingIsReproducedWhenDynamicRankDegradesMoreOnOneBestAndLessOnNBest() {
        let answer = StudyAnswer(
            domain: "d",
            entries: [
                Self.entry(
                    .full, dev: 0.20, test: 0.20, parameters: 4_700_000, d1: 0.05, nprr: [0.10, 0.20]),
                Self.entry(
                    .loraR8, dev: 0.21, test: 0.203, parameters: 49_000, d1: 0.06, nprr: [0.12, 0.22]),
                // A worse LoRA on dev must not be the representative, whatever its test figures.
                Self.entry(.loraR4, dev: 0.30, test: 0.10, parameters: 24_000, d1: 0.50, nprr: [0.0, 0.0]),
                Self.entry(
                    .adalora, dev: 0.22, test: 0.21, parameters: 70_000, d1: 0.20, nprr: [0.05, 0.10]),
            ])
        #expect(answer.vanillaLoRA?.cell == "d/lora-r8/clm")
        #expect(answer.degradesMoreUnderOneBest == .yes)
        #expect(answer.oneBestIntervalsDisjoint)
        #expect(answer.degradesLessUnderNBest == .yes)
        #expect(abs((answer.dynamicRank?.meanNPRR ?? 0) - 0.075) < 1e-12)
        #expect(answer.sentences.contains("The original finding is reproduced here."))
        #expect(answer.bestCell == "d/full/clm")
        #expect(answer.bestAdapterCell == "d/lora-r8/clm")
        #expect(abs((answer.adapterGapToFull ?? 0) - 0.015) < 1e-9)
        #expect(answer.meetsAdapterGoal == .yes)
        #expect(answer.meetsWERRGoal == .no)
        #expect(answer.beatsTrigram == .yes)
        #expect(answer.sentences.joined().contains("+20.0% [+19.0%, +21.0%]"))
    }

    @Test func aContradictingResultIsReportedAsNotReproduced() {
        let answer = StudyAnswer(
            domain: "d",
            entries: [
                Self.entry(.full, dev: 0.20, test: 0.20, parameters: 1000, d1: 0.30, nprr: [0.01]),
                Self.entry(.loraR16, dev: 0.21, test: 0.25, parameters: 100, d1: 0.25, nprr: [0.02]),
                Self.entry(
                    .adalora, dev: 0.22, test: 0.21, parameters: 90, d1: 0.10, nprr: [0.30], werr: 0.19),
            ])
        #expect(answer.degradesMoreUnderOneBest == .no)
        #expect(answer.degradesLessUnderNBest == .no)
        #expect(answer.sentences.contains("The original finding is not reproduced here."))
        // 25% worse than full fine-tuning with 10% of its parameters: the adapter goal is missed.
        #expect(answer.meetsAdapterGoal == .no)
    }

    @Test func aMissingFamilyLeavesTheQuestionUndetermined() {
        let answer = StudyAnswer(
            domain: "d",
            entries: [
                Self.entry(.adalora, dev: 0.2, test: 0.2, parameters: 10, d1: 0.1, nprr: [0.1], werr: 0.2)
            ])
        #expect(answer.degradesMoreUnderOneBest == .undetermined)
        #expect(answer.degradesLessUnderNBest == .undetermined)
        #expect(answer.meetsAdapterGoal == .undetermined)
        #expect(answer.meetsWERRGoal == .yes)
        #expect(answer.sentences.contains("Whether the original finding holds here is undetermined."))
    }
}
