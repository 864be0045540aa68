import NBest
public import RescoringCore

/// Checks of a job that need no LM work, in the order a client would want them reported.
extension RescoringEngine {
    /// Hypotheses tokenized between two budget checks: tokenizing a long list takes milliseconds.
    static let hypothesesPerBudgetCheck = 64

    /// Throws the first reason the job cannot be scored that is visible without tokenizing: an
    /// unknown adapter, non-finite fusion weights, too many hypotheses, a non-finite first-pass
    /// score.
    ///
    /// Cheap enough for a request's arrival path, so a bad request is refused before it waits for
    /// compute. `rescore` repeats it and then bounds the tokens.
    public func validate(_ job: RescoringJob, limits: RescoringLimits = RescoringLimits())
        throws(RescoringError)
    {
        _ = try listToScore(job, limits: limits)
    }

    /// The job's list after its `maxHypotheses` cut, once every cheap check has passed.
    func listToScore(_ job: RescoringJob, limits: RescoringLimits) throws(RescoringError) -> NBestList {
        let utterance = job.list.utteranceID
        if let name = job.adapter, !adapterNames.contains(name) {
            throw RescoringError(
                .unknownAdapter,
                "utterance \(utterance): adapter '\(name)' is not loaded"
                    + " (loaded: \(adapterNames.sorted().joined(separator: ", ")))")
        }
        let fusion = job.fusion ?? fusion(forAdapter: job.adapter)
        guard [fusion.firstPassWeight, fusion.lmWeight, fusion.lengthBonus].allSatisfy(\.isFinite) else {
            throw RescoringError(.invalidRequest, "utterance \(utterance): fusion weights must be finite")
        }
        var list = job.list
        if let limit = job.maxHypotheses, limit < list.hypotheses.count {
            list.hypotheses = Array(list.hypotheses.prefix(max(0, limit)))
        }
        try limits.checkHypothesisCount(list.hypotheses.count, utteranceID: utterance)
        for (index, hypothesis) in list.hypotheses.enumerated() {
            let scores = [
                ("total", hypothesis.totalScore), ("acoustic", hypothesis.acousticScore),
                ("language-model", hypothesis.lmScore),
            ]
            if let (name, value) = scores.first(where: { !$0.1.isFinite }) {
                throw RescoringError(
                    .invalidRequest,
                    "utterance \(utterance) hypothesis \(index): first-pass \(name) score is \(value);"
                        + " scores must be finite")
            }
        }
        return list
    }

    /// Token ids of every hypothesis of a checked list, within the model's context and the list's
    /// token limit; checks the budget as it goes.
    func tokenize(_ list: NBestList, limits: RescoringLimits, budget: WorkBudget) throws(RescoringError)
        -> [[Int]]
    {
        var sentences: [[Int]] = []
        sentences.reserveCapacity(list.hypotheses.count)
        var total = 0
        for (index, hypothesis) in list.hypotheses.enumerated() {
            if index % Self.hypothesesPerBudgetCheck == 0 { try budget.check() }
            let tokens = tokenizer.encode(hypothesis.text)
            // BOS + tokens must fit the learned positions; EOS is predicted, not input.
            guard tokens.count + 1 <= model.config.nPositions else {
                throw RescoringError(
                    .hypothesisTooLong,
                    "utterance \(list.utteranceID) hypothesis \(index): \(tokens.count) tokens,"
                        + " the model's context holds \(model.config.nPositions - 1)")
            }
            total += tokens.count
            guard total <= limits.maxTokensPerList else {
                throw RescoringError(
                    .limitExceeded,
                    "utterance \(list.utteranceID): hypotheses 0...\(index) hold \(total) tokens, over"
                        + " the limit of \(limits.maxTokensPerList) tokens per list")
            }
            sentences.append(tokens)
        }
        return sentences
    }
}
