import Foundation
import NBest
import NeuralLM
import RescoringCore
import Testing

@testable import Adaptation

/// The MWER objective: hand-computed values, finite-difference gradients and training.
@Suite("MWER objective")
struct MWERTests {
    /// Lists whose reference follows the "domain" stride pattern; distractors break it.
    static func examples(count: Int, seed: UInt64) -> [MWERExample] {
        var rng = SeededGenerator(seed: seed)
        return (0..<count).map { index in
            let start = 3 + index % 7
            let correct = (0..<6).map { (start + 2 * $0) % 31 }
            var candidates: [MWERExample.Candidate] = []
            for variant in 0..<4 {
                var tokens = correct
                var errors = 0.0
                if variant > 0 {
                    for _ in 0..<variant {
                        let position = Int.random(in: 0..<tokens.count, using: &rng)
                        tokens[position] = (tokens[position] + 5) % 31
                    }
                    errors = Double(zip(tokens, correct).filter { $0 != $1 }.count)
                }
                // The first pass slightly prefers a wrong hypothesis.
                candidates.append(
                    MWERExample.Candidate(
                        tokens: tokens, firstPassScore: variant == 1 ? -1 : -1.5, wordErrors: errors,
                        wordCount: 6))
            }
            return MWERExample(utteranceID: "u\(index)", referenceWordCount: 6, candidates: candidates)
        }
    }

    @Test("the list loss matches a hand computation")
    func handComputed() {
        let example = MWERExample(
            utteranceID: "x", referenceWordCount: 3,
            candidates: [
                .init(tokens: [3], firstPassScore: 0, wordErrors: 0, wordCount: 1),
                .init(tokens: [4], firstPassScore: 0, wordErrors: 2, wordCount: 2),
            ])
        // s = (0 + 0.5·(−1) + 0.1·1, 0 + 0.5·(−2) + 0.1·2) = (−0.4, −0.8); ε̄ = 1.
        let (loss, grad) = MWERObjective.listLoss(
            example, lmScores: [-1, -2], fusion: ScoreFusion(lmWeight: 0.5, lengthBonus: 0.1))
        let p0 = 1 / (1 + exp(-0.4))
        let expected = p0 * (0 - 1) + (1 - p0) * (2 - 1)
        #expect(abs(loss - expected) < 1e-12)
        #expect(abs(grad[0] - 0.5 * p0 * (-1 - expected)) < 1e-12)
        #expect(abs(grad[1] - 0.5 * (1 - p0) * (1 - expected)) < 1e-12)
        #expect(abs(grad[0] + grad[1]) < 1e-12, "softmax gradients sum to zero")
    }

    @Test("gradients through LM scores into the adapter match finite differences")
    func finiteDifferences() throws {
        var model = try Support.perturbedModel()
        try model.attachLoRA(
            LoRAConfiguration(rank: 2, alpha: 4, targetModules: [.attentionQKV, .mlpExpand]), seed: 1)
        Support.perturbAdapters(&model, seed: 3, scale: 0.3)
        let examples = Self.examples(count: 2, seed: 1)
        let fusion = ScoreFusion(lmWeight: 0.3, lengthBonus: 0.05)
        var none: SeededGenerator? = nil
        let analytic = try MWERObjective.evaluate(
            model: model, examples: examples, fusion: fusion, dropout: &none)
        #expect(analytic.gradients.count == 8)
        var checked = 0
        for (name, gradient) in analytic.gradients.sorted(by: { $0.key < $1.key }) {
            for index in stride(from: 0, to: gradient.count, by: max(1, gradient.count / 4)) {
                func loss(_ delta: Float) throws -> Double {
                    var probe = model
                    probe.forEachParameter { parameter, tensor, _ in
                        if parameter == name { tensor.storage[index] += delta }
                    }
                    var rng: SeededGenerator? = nil
                    return try MWERObjective.evaluate(
                        model: probe, examples: examples, fusion: fusion, dropout: &rng
                    ).loss
                }
                let numeric = (try loss(1e-2) - loss(-1e-2)) / 2e-2
                let value = Double(gradient.storage[index])
                #expect(
                    abs(numeric - value) < 2e-3 + 3e-2 * abs(numeric),
                    "\(name)[\(index)]: \(value) vs \(numeric)")
                checked += 1
            }
        }
        #expect(checked >= 30)
        #expect(analytic.gradients.values.contains { $0.squaredNorm > 1e-10 })
    }

    @Test("MWER training lowers the expected errors and the rescored WER; CLM regulariser adds its term")
    func training() throws {
        let examples = Self.examples(count: 6, seed: 2)
        let fusion = ScoreFusion(lmWeight: 0.5)
        var trainer = try AdapterTrainer(
            base: try Support.perturbedModel(),
            settings: StrategySettings(
                strategy: .lora,
                lora: LoRAConfiguration(rank: 4, alpha: 8, targetModules: TargetModule.allCases)),
            optimization: OptimizationSettings(
                schedule: LearningRateSchedule(peak: 2e-2, warmupSteps: 1, totalSteps: 25, decay: .constant),
                seed: 1))
        var none: SeededGenerator? = nil
        let before = try MWERObjective.evaluate(
            model: trainer.model, examples: examples, fusion: fusion, dropout: &none
        ).loss
        let werBefore = try #require(
            try MWERObjective.wordErrorRate(model: trainer.model, examples: examples, fusion: fusion))
        let domain = TokenBatch(sequences: StrategyTests.domain)
        var last: StepReport? = nil
        for _ in 0..<25 {
            last = try trainer.trainStep { model, dropout in
                try MWERObjective.evaluate(
                    model: model, examples: examples, fusion: fusion, clmBatch: domain, clmWeight: 0.1,
                    dropout: &dropout)
            }
        }
        let report = try #require(last)
        #expect(report.components["clm"] != nil && report.components["mwer"] != nil)
        #expect(abs(report.loss - (report.components["mwer"]! + 0.1 * report.components["clm"]!)) < 1e-6)
        let after = try MWERObjective.evaluate(
            model: trainer.model, examples: examples, fusion: fusion, dropout: &none
        ).loss
        let werAfter = try #require(
            try MWERObjective.wordErrorRate(model: trainer.model, examples: examples, fusion: fusion))
        #expect(after < before - 0.1, "expected errors \(before) → \(after)")
        #expect(werAfter < werBefore, "WER \(werBefore) → \(werAfter)")
    }

    @Test("examples come from N-best lists with word errors from the aligner")
    func fromNBestList() throws {
        let list = NBestList(
            utteranceID: "utt1", sessionID: "s", sequenceNumber: 0, kind: .final, stability: 1,
            hypotheses: [
                Hypothesis(text: "the cat sat", tokenIDs: [5, 6, 7], totalScore: -3),
                Hypothesis(text: "the cat sat down", tokenIDs: [5, 6, 7, 8], totalScore: -4),
                Hypothesis(text: "a bat", tokenIDs: [9, 10], totalScore: -5),
            ])
        let example = try MWERExample(list: list, reference: "the cat sat")
        #expect(example.candidates.map(\.wordErrors) == [0, 1, 3])
        #expect(example.candidates.map(\.wordCount) == [3, 4, 2])
        #expect(example.referenceWordCount == 3)
        var missing = list
        missing.hypotheses[1].tokenIDs = []
        let error = try #require(throws: NeuralLMError.self) {
            try MWERExample(list: missing, reference: "the cat sat")
        }
        #expect(error.code == .invalidData && error.message.contains("utt1"))
        let tokenized = try MWERExample(list: missing, reference: "the cat sat") { text in
            text.split(separator: " ").map(\.count)
        }
        #expect(tokenized.candidates[1].tokens == [3, 3, 3, 4])
    }
}
