public import RescoringCore
public import RescoringMessages

extension ScoredHypothesis {
    /// The wire form of one rescored hypothesis.
    public init(_ hypothesis: RescoredHypothesis) {
        self.init(
            originalIndex: UInt32(hypothesis.originalIndex), text: hypothesis.text,
            firstPassScore: hypothesis.firstPassScore, lmScore: hypothesis.lmScore,
            fusedScore: hypothesis.fusedScore, tokenCount: UInt32(hypothesis.tokenCount))
    }
}

extension RescoreResult {
    /// The wire form of a rescored list, with what only the serving replica knows (its model,
    /// its name and the call's times).
    ///
    /// The base model is sent as an empty adapter name, and an empty list as chosen index 0.
    public init(
        _ rescored: RescoredList, modelID: String, replicaID: String, queueTimeMicroseconds: UInt64,
        computeTimeMicroseconds: UInt64
    ) {
        let list = rescored.list
        self.init(
            utteranceID: list.utteranceID, sessionID: list.sessionID, sequenceNumber: list.sequenceNumber,
            kind: ResultKind(list.kind), hypotheses: rescored.ranking.map(ScoredHypothesis.init),
            chosenIndex: UInt32(rescored.chosenIndex ?? 0), adapter: rescored.adapter ?? "", modelID: modelID,
            queueTimeMicroseconds: queueTimeMicroseconds, computeTimeMicroseconds: computeTimeMicroseconds,
            replicaID: replicaID, fusion: FusionWeights(rescored.fusion))
    }
}
