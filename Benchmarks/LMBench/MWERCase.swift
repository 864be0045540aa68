import Adaptation
import Foundation
import NeuralLM
import RescoringCore

/// MWER training throughput: LoRA (rank 8, α 16, every projection) AdamW steps of 8 lists × 10
/// hypotheses with the config's dropout, batched (`MWERObjective.evaluate`, all hypotheses of a
/// step in one pass) and the one-pass-per-hypothesis loop it replaced, on the same steps.
///
/// Reports lists/s for both, their ratio, and achieved GFLOP/s of the batched step (forward +
/// backward counted as 3 forwards, as for CLM training).
func mwerFigures(model: GPT2Model, workload: Workload) throws -> [String: Double] {
    let config = model.config
    let steps = workload.mwerBatches.map { lists in
        lists.enumerated().map { index, list in
            MWERExample(
                utteranceID: "u\(index)", referenceWordCount: list.words[0],
                candidates: list.hypotheses.indices.map {
                    MWERExample.Candidate(
                        tokens: list.hypotheses[$0], firstPassScore: list.firstPass[$0],
                        wordErrors: list.errors[$0], wordCount: list.words[$0])
                })
        }
    }
    let fusion = ScoreFusion(lmWeight: 0.5)
    typealias Objective = (GPT2Model, [MWERExample], inout SeededGenerator?) throws -> ObjectiveResult
    func time(_ objective: Objective) throws -> Double {
        var trainer = try AdapterTrainer(
            base: model,
            settings: StrategySettings(
                strategy: .lora,
                lora: LoRAConfiguration(rank: 8, alpha: 16, targetModules: TargetModule.allCases)),
            optimization: OptimizationSettings(
                schedule: LearningRateSchedule(peak: 1e-4, warmupSteps: 10, totalSteps: 1000), seed: 1))
        try trainer.trainStep { try objective($0, steps[0], &$1) }  // warm-up
        var times: [Double] = []
        for _ in 0..<workload.repeats {
            let elapsed = try ContinuousClock().measure {
                for step in steps { try trainer.trainStep { try objective($0, step, &$1) } }
            }
            times.append(seconds(elapsed))
        }
        return median(times)
    }
    let batched = try time {
        try MWERObjective.evaluate(model: $0, examples: $1, fusion: fusion, dropout: &$2)
    }
    let loop = try time {
        try MWERObjective.evaluateOnePassPerHypothesis(model: $0, examples: $1, fusion: fusion, dropout: &$2)
    }
    let lists = Double(steps.reduce(0) { $0 + $1.count })
    let framed = steps.joined().flatMap { $0.candidates.map { $0.tokens.count + 2 } }
    let flops =
        3
        * FlopCount.forward(config: config, rows: framed.reduce(0, +), attended: FlopCount.causalSpan(framed))
    return [
        "mwer_lists_per_s_batched": lists / batched,
        "mwer_lists_per_s_loop": lists / loop,
        "mwer_batched_over_loop": loop / batched,
        "mwer_gflops_batched": flops / batched / 1e9,
    ]
}
