public import NBest

extension UtteranceOutcome {
    /// An outcome from the first-pass `NBestList` the rescorer received and its choice.
    ///
    /// The first-pass 1-best is the hypothesis with the highest `totalScore` (the earliest on
    /// ties), not blindly position 0: replayed decoder lists are not always sorted. An empty list
    /// becomes one empty hypothesis, as `UtteranceOutcome` requires.
    public init(
        run: String, condition: String, reference: String, firstPass: NBestList, chosenIndex: Int,
        chosenText: String
    ) {
        let texts = firstPass.hypotheses.isEmpty ? [""] : firstPass.hypotheses.map(\.text)
        var best = 0
        for (index, hypothesis) in firstPass.hypotheses.enumerated()
        where hypothesis.totalScore > firstPass.hypotheses[best].totalScore {
            best = index
        }
        self.init(
            run: run, condition: condition, utteranceID: firstPass.utteranceID, reference: reference,
            firstPassTexts: texts, firstPassBestIndex: best, chosenIndex: chosenIndex, chosenText: chosenText)
    }
}
