import Evaluation
public import FirstPass
public import Rescoring
public import RescoringCore

/// What fusion tuning on a development set needs besides the search: every list scored once by
/// the LM, and each hypothesis's word errors against the reference.
///
/// Shared by `secondpass tune` and the study, so both tune on exactly the same figures.
public enum DevelopmentTuning {
    /// Every list of `records` scored once by `adapter` (nil: the base model), in batches of 32
    /// lists per engine pass, as the service would run them.
    public static func rescored(_ records: [NBestRecord], engine: RescoringEngine, adapter: String?) throws
        -> [RescoredList]
    {
        var lists: [RescoredList] = []
        let batch = 32
        for start in stride(from: 0, to: records.count, by: batch) {
            let range = start..<min(records.count, start + batch)
            lists += try engine.rescore(
                range.map { RescoringJob(list: records[$0].list, adapter: adapter) }, limits: .unlimited)
        }
        return lists
    }

    /// The scored lists as `FusionTuner` reads them: hypotheses in first-pass order, each with its
    /// word errors (the `Evaluation` aligner and standard normaliser) against its record's reference.
    ///
    /// - Precondition: `rescored[i]` is the scoring of `records[i]`.
    public static func utterances(records: [NBestRecord], rescored: [RescoredList]) -> [FusionTuner.Utterance]
    {
        var scorer = CorpusScorer()
        return zip(records, rescored).map { record, list in
            let errors = list.list.hypotheses.map {
                scorer.counts(reference: record.reference, hypothesis: $0.text).errors
            }
            var hypotheses = [FusionTuner.Hypothesis?](repeating: nil, count: list.list.hypotheses.count)
            for scored in list.ranking {
                hypotheses[scored.originalIndex] = FusionTuner.Hypothesis(
                    firstPass: scored.firstPassScore, lm: scored.lmScore,
                    words: list.list.hypotheses[scored.originalIndex].words.count,
                    errors: errors[scored.originalIndex])
            }
            return FusionTuner.Utterance(
                hypotheses: hypotheses.compactMap { $0 },
                referenceWords: scorer.counts(reference: record.reference, hypothesis: "").referenceWords)
        }
    }
}
