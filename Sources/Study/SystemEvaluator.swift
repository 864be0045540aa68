import Evaluation
import FirstPass
import NGram
import OfflineRescoring
import Rescoring
import RescoringCore

/// How one system scores a list: the neural engine (base model or an adapter) or the trigram.
enum ListScorer {
    case engine(RescoringEngine, adapter: String?)
    case ngram(BackoffNGramModel)
}

/// Measures one system on a domain the way a researcher would by hand with the CLI: tune fusion
/// on the dev lists (`secondpass tune`'s code), rescore every test condition with the tuned
/// weights (`secondpass rescore`'s `OfflineRescorer`, or the trigram's scoring), and compute the
/// figures with `Evaluation`'s `ReportBuilder`.
struct SystemEvaluator {
    var builder: ReportBuilder
    var dev: [NBestRecord]
    var conditions: TestConditions
    /// Where tuning starts (lora-rescorer's defaults); kept unless a candidate is strictly better.
    var start = ScoreFusion(firstPassWeight: 1, lmWeight: 0.3, lengthBonus: 1.5)

    /// The system's figures and its test outcomes (run = `system`, one condition per test condition).
    ///
    /// - Parameter baselines: outcomes of `base` and `trigram` on the clean test lists, for the
    ///   paired comparisons (a system is not compared with itself).
    func evaluate(system: String, scorer: ListScorer, baselines: OutcomeSet) throws -> (
        SystemFigures, OutcomeSet
    ) {
        let devScored: [RescoredList]
        switch scorer {
        case .engine(let engine, let adapter):
            devScored = try DevelopmentTuning.rescored(dev, engine: engine, adapter: adapter)
        case .ngram(let lm):
            devScored = dev.map { lm.rescore($0.list, fusion: start) }
        }
        let tuning = FusionTuner.search(
            DevelopmentTuning.utterances(records: dev, rescored: devScored), start: start, space: .wide,
            method: .grid)
        let fusion = tuning.best

        var outcomes = OutcomeSet()
        for condition in conditions.conditions {
            switch scorer {
            case .engine(var engine, let adapter):
                if let adapter {
                    engine.adapterFusion[adapter] = fusion
                } else {
                    engine.defaultFusion = fusion
                }
                let rescorer = OfflineRescorer(
                    engine: engine, adapter: adapter, run: system, condition: condition.name,
                    partialStateBudgetBytes: 0)
                try outcomes.merge(try rescorer.rescore(condition.records).outcomes)
            case .ngram(let lm):
                for record in condition.records {
                    let rescored = lm.rescore(record.list, fusion: fusion)
                    try outcomes.insert(
                        UtteranceOutcome(
                            run: system, condition: condition.name, reference: record.reference,
                            firstPass: rescored.list, chosenIndex: rescored.chosenIndex ?? 0,
                            chosenText: rescored.chosenText))
                }
            }
        }

        var all = baselines
        try all.merge(outcomes)
        func versus(_ baseline: String) throws -> SystemComparison? {
            guard baseline != system, all.runs.contains(baseline) else { return nil }
            return try builder.systemComparison(
                all, baselineRun: baseline, systemRun: system, condition: TestConditions.clean)
        }
        let figures = SystemFigures(
            system: system, fusion: fusion, devWER: tuning.bestWER, devWERUntuned: tuning.startWER,
            test: try builder.conditionReport(outcomes, run: system, condition: TestConditions.clean),
            versusTrigram: try versus(StudyRuns.trigram), versusBase: try versus(StudyRuns.base),
            robustness: try builder.robustnessReport(
                outcomes, run: system, comparisons: conditions.comparisons
            ).figures)
        return (figures, outcomes)
    }
}

/// The run names of the baselines in every outcome set of the study.
public enum StudyRuns {
    public static let base = "base"
    public static let trigram = "trigram"
}

extension OutcomeSet {
    /// Inserts every outcome of `other` (identical duplicates are ignored, conflicts throw).
    mutating func merge(_ other: OutcomeSet) throws {
        for run in other.runs {
            for condition in other.conditions(run: run) {
                for outcome in other.outcomes(run: run, condition: condition) { try insert(outcome) }
            }
        }
    }

    /// Only the outcomes of `condition`.
    func only(condition: String) throws -> OutcomeSet {
        try OutcomeSet(runs.flatMap { outcomes(run: $0, condition: condition) })
    }
}
