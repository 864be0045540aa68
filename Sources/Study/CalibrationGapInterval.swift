import Evaluation

extension CalibrationGapComparison {
    /// Paired-bootstrap intervals of WERR sim − WERR real and WERR sim / WERR real.
    ///
    /// Both conditions hold the same test sentences under the same ids, so each resample draws
    /// utterances once for both: the interval reflects which sentences happened to be tested, not
    /// two independent draws. `real` and `simulated` are the clean test outcomes of `run`.
    static func intervals(
        real: OutcomeSet, simulated: OutcomeSet, run: String, bootstrap: BootstrapSettings
    ) throws -> (difference: ConfidenceInterval, ratio: ConfidenceInterval) {
        var scorer = CorpusScorer()
        let simulatedByID = Dictionary(
            simulated.outcomes(run: run, condition: TestConditions.clean).map { ($0.utteranceID, $0) },
            uniquingKeysWith: { first, _ in first })
        var columns = [[Double]](repeating: [], count: 6)
        for outcome in real.outcomes(run: run, condition: TestConditions.clean) {
            guard let twin = simulatedByID[outcome.utteranceID] else {
                throw StudyError(
                    .invalidInput, "utterance \(outcome.utteranceID) has real but no simulated test outcome")
            }
            for (offset, pair) in [outcome, twin].enumerated() {
                let first = scorer.counts(reference: pair.reference, hypothesis: pair.firstPassBestText)
                let second = scorer.counts(reference: pair.reference, hypothesis: pair.chosenText)
                columns[3 * offset].append(Double(first.errors))
                columns[3 * offset + 1].append(Double(second.errors))
                columns[3 * offset + 2].append(Double(first.referenceWords))
            }
        }
        /// WERR of the columns starting at `start` (first-pass errors, rescored errors, words).
        @Sendable func werr(_ row: [Double], _ start: Int) -> Double? {
            guard row[start + 2] > 0 else { return nil }
            return relativeReduction(
                baseline: row[start] / row[start + 2], system: row[start + 1] / row[start + 2])
        }
        let intervals = try PairedBootstrap(settings: bootstrap).intervals(
            columns: columns,
            statistics: [
                { row in werr(row, 3).flatMap { simulated in werr(row, 0).map { simulated - $0 } } },
                { row in
                    werr(row, 3).flatMap { simulated in
                        werr(row, 0).flatMap { $0 == 0 ? nil : simulated / $0 }
                    }
                },
            ])
        return (intervals[0], intervals[1])
    }
}
