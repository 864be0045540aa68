/// Builds condition, robustness and system-comparison reports from stored outcomes.
///
/// The aggregator keeps an `OutcomeSet` and calls these methods; every figure is computed here
/// so the service, the CLI and the study cannot disagree about a definition.
public struct ReportBuilder: Sendable {
    public var normalizer: TextNormalizer
    public var bootstrap: BootstrapSettings
    /// k values of the oracle WER@k in condition reports.
    public var oracleKs: [Int]
    /// How many confusion pairs and missed words a condition report lists.
    public var errorAnalysisLimit: Int

    public init(
        normalizer: TextNormalizer = .standard, bootstrap: BootstrapSettings = .standard,
        oracleKs: [Int] = [1, 2, 5, 10], errorAnalysisLimit: Int = 10
    ) {
        self.normalizer = normalizer
        self.bootstrap = bootstrap
        self.oracleKs = oracleKs
        self.errorAnalysisLimit = errorAnalysisLimit
    }

    /// First- and second-pass figures of `run` under `condition`.
    public func conditionReport(_ outcomes: OutcomeSet, run: String, condition: String) throws
        -> ConditionFigures
    {
        let selected = outcomes.outcomes(run: run, condition: condition)
        guard !selected.isEmpty else {
            throw EvaluationError(.missingData, "no outcomes for run '\(run)' under condition '\(condition)'")
        }
        var scorer = CorpusScorer(normalizer: normalizer)
        let scored = scorer.scored(selected)
        let columns = [
            scored.map { Double($0.firstPass.errors) },
            scored.map { Double($0.secondPass.errors) },
            scored.map(\.referenceWords),
        ]
        let intervals = try PairedBootstrap(settings: bootstrap).intervals(
            columns: columns,
            statistics: [
                { wer($0[0], $0[2]) },
                { wer($0[1], $0[2]) },
                { t in relativeReduction(baseline: wer(t[0], t[2]), system: wer(t[1], t[2])) },
            ])
        let longest = selected.map(\.firstPassTexts.count).max() ?? 1
        let oracleAll = try scorer.oracleWER(
            selected.map {
                NBestTexts(
                    utteranceID: $0.utteranceID, reference: $0.reference, hypotheses: $0.firstPassTexts)
            },
            ks: oracleKs + [longest])
        let oracle = Array(oracleAll.dropLast())
        let errors = scorer.errorAnalysis(
            selected.map {
                ScoringPair(utteranceID: $0.utteranceID, reference: $0.reference, hypothesis: $0.chosenText)
            },
            limit: errorAnalysisLimit)
        return ConditionFigures(
            run: run, condition: condition, normalizer: normalizer, bootstrap: bootstrap,
            firstPass: summary(scored.map(\.firstPass)), secondPass: summary(scored.map(\.secondPass)),
            firstPassWER: intervals[0], secondPassWER: intervals[1], rescoringWERR: intervals[2],
            firstVersusSecondPass: try MatchedPairsTest(
                errorsA: scored.map(\.firstPass.errors), errorsB: scored.map(\.secondPass.errors)),
            oracle: oracle, oracleWholeList: oracleAll[oracleAll.count - 1], secondPassErrors: errors)
    }

    /// Robustness figures of `run` for each comparison.
    public func robustnessReport(
        _ outcomes: OutcomeSet, run: String, comparisons: [PerturbationComparison]
    ) throws -> RobustnessSweep {
        var scorer = CorpusScorer(normalizer: normalizer)
        var figures: [RobustnessFigures] = []
        for comparison in comparisons {
            let clean = scorer.scored(outcomes.outcomes(run: run, condition: comparison.cleanCondition))
            let perturbed = scorer.scored(
                outcomes.outcomes(run: run, condition: comparison.perturbedCondition))
            let matched = try matchByUtterance(clean, perturbed)
            guard !matched.pairs.isEmpty else {
                throw EvaluationError(
                    .missingData,
                    "run '\(run)': no utterance in both '\(comparison.cleanCondition)' and "
                        + "'\(comparison.perturbedCondition)'")
            }
            figures.append(try robustnessFigures(comparison, matched))
        }
        return RobustnessSweep(run: run, normalizer: normalizer, bootstrap: bootstrap, figures: figures)
    }

    /// Robustness figures of `run` for every condition other than `cleanCondition`, with the
    /// perturbation family inferred from each condition's name (see `PerturbationComparison`).
    public func robustnessReport(
        _ outcomes: OutcomeSet, run: String, cleanCondition: String = "clean"
    ) throws -> RobustnessSweep {
        let comparisons = outcomes.conditions(run: run).filter { $0 != cleanCondition }.map {
            PerturbationComparison(inferringFrom: $0, cleanCondition: cleanCondition)
        }
        return try robustnessReport(outcomes, run: run, comparisons: comparisons)
    }

    /// Paired comparison of `systemRun` against `baselineRun` under `condition`.
    public func systemComparison(
        _ outcomes: OutcomeSet, baselineRun: String, systemRun: String, condition: String
    ) throws -> SystemComparison {
        var scorer = CorpusScorer(normalizer: normalizer)
        let baseline = scorer.scored(outcomes.outcomes(run: baselineRun, condition: condition))
        let system = scorer.scored(outcomes.outcomes(run: systemRun, condition: condition))
        let matched = try matchByUtterance(baseline, system)
        guard !matched.pairs.isEmpty else {
            throw EvaluationError(
                .missingData,
                "no utterance of condition '\(condition)' in both '\(baselineRun)' and '\(systemRun)'")
        }
        let pairs = matched.pairs
        let intervals = try PairedBootstrap(settings: bootstrap).intervals(
            columns: [
                pairs.map { Double($0.0.secondPass.errors) },
                pairs.map { Double($0.1.secondPass.errors) },
                pairs.map { $0.0.referenceWords },
            ],
            statistics: [
                { wer($0[0], $0[2]) },
                { wer($0[1], $0[2]) },
                { t in wer(t[0], t[2]).flatMap { base in wer(t[1], t[2]).map { $0 - base } } },
                { t in relativeReduction(baseline: wer(t[0], t[2]), system: wer(t[1], t[2])) },
            ])
        return SystemComparison(
            baselineRun: baselineRun, systemRun: systemRun, condition: condition,
            matchedUtterances: pairs.count,
            onlyBaseline: matched.onlyLeft, onlySystem: matched.onlyRight, normalizer: normalizer,
            bootstrap: bootstrap, baselineWER: intervals[0], systemWER: intervals[1],
            difference: intervals[2],
            werr: intervals[3],
            matchedPairs: try MatchedPairsTest(
                errorsA: pairs.map(\.0.secondPass.errors), errorsB: pairs.map(\.1.secondPass.errors)))
    }

    private func robustnessFigures(
        _ comparison: PerturbationComparison,
        _ matched: (pairs: [(ScoredOutcome, ScoredOutcome)], onlyLeft: Int, onlyRight: Int)
    ) throws -> RobustnessFigures {
        let pairs = matched.pairs
        let utterances = Double(pairs.count)
        // Columns: 0 e₂ clean, 1 e₂ perturbed, 2 e₁ clean, 3 e₁ perturbed, 4 N, 5 flip, 6 text change.
        let columns: [[Double]] = [
            pairs.map { Double($0.0.secondPass.errors) },
            pairs.map { Double($0.1.secondPass.errors) },
            pairs.map { Double($0.0.firstPass.errors) },
            pairs.map { Double($0.1.firstPass.errors) },
            pairs.map { $0.0.referenceWords },
            pairs.map { $0.0.outcome.chosenIndex != $0.1.outcome.chosenIndex ? 1 : 0 },
            pairs.map { $0.0.chosenText != $0.1.chosenText ? 1 : 0 },
        ]
        let intervals = try PairedBootstrap(settings: bootstrap).intervals(
            columns: columns,
            statistics: [
                { wer($0[0], $0[4]) },
                { wer($0[1], $0[4]) },
                { wer($0[2], $0[4]) },
                { wer($0[3], $0[4]) },
                { t in relativeChange(before: wer(t[0], t[4]), after: wer(t[1], t[4])) },
                { t in t[4] > 0 ? ratio(t[1] - t[0], t[3] - t[2]) : nil },
                { $0[5] / utterances },
                { $0[6] / utterances },
            ])
        return RobustnessFigures(
            comparison: comparison, matchedUtterances: pairs.count, onlyClean: matched.onlyLeft,
            onlyPerturbed: matched.onlyRight, secondPassClean: intervals[0],
            secondPassPerturbed: intervals[1],
            firstPassClean: intervals[2], firstPassPerturbed: intervals[3], relativeDegradation: intervals[4],
            firstPassNormalizedRatio: intervals[5], flipRate: intervals[6], textChangeRate: intervals[7])
    }

    private func summary(_ counts: [ErrorCounts]) -> CorpusSummary {
        CorpusSummary(
            utteranceCount: counts.count, counts: counts.reduce(.zero, +),
            sentenceErrors: counts.filter { $0.errors > 0 }.count)
    }
}
