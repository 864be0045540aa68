public import Evaluation
public import RescoringMessages

extension UtteranceOutcome {
    /// The outcome a final rescore result gives for its utterance, compared with `reference`.
    ///
    /// The chosen text is the result's best-ranked hypothesis (empty when it lists none); the
    /// first-pass texts come from the list the client sent, since a result carries only the
    /// hypotheses it scored.
    public init(
        _ result: RescoreResult, run: String, condition: String, reference: String, firstPassTexts: [String]
    ) {
        self.init(
            run: run, condition: condition, utteranceID: result.utteranceID, reference: reference,
            firstPassTexts: firstPassTexts, chosenIndex: Int(result.chosenIndex),
            chosenText: result.hypotheses.first?.text ?? "")
    }
}
