public import NBest
public import RescoringMessages

extension HypothesisMessage {
    /// The wire form of a domain hypothesis.
    public init(_ hypothesis: Hypothesis) {
        self.init(
            text: hypothesis.text, tokenIDs: hypothesis.tokenIDs, totalScore: hypothesis.totalScore,
            acousticScore: hypothesis.acousticScore, lmScore: hypothesis.lmScore,
            confidence: hypothesis.confidence)
    }
}

extension Hypothesis {
    /// The domain form of a wire hypothesis; every field maps one to one.
    public init(_ message: HypothesisMessage) {
        self.init(
            text: message.text, tokenIDs: message.tokenIDs, totalScore: message.totalScore,
            acousticScore: message.acousticScore, lmScore: message.lmScore, confidence: message.confidence)
    }
}

extension ResultKind {
    /// The wire form of a domain list kind.
    public init(_ kind: NBestList.Kind) {
        switch kind {
        case .partial: self = .partial
        case .final: self = .final
        }
    }
}

extension NBestListMessage {
    /// The wire form of a domain N-best list.
    public init(_ list: NBestList) {
        self.init(
            utteranceID: list.utteranceID, sessionID: list.sessionID, sequenceNumber: list.sequenceNumber,
            kind: ResultKind(list.kind), stability: list.stability,
            hypotheses: list.hypotheses.map(HypothesisMessage.init))
    }
}

extension NBestList {
    /// The domain form of a wire N-best list.
    ///
    /// - Throws: `ProtoBridgeError` with code `.invalidValue` when the kind is unspecified or a
    ///   number this build does not know: the domain only has partial and final lists, and
    ///   guessing one would change how the list is scored and evaluated.
    public init(_ message: NBestListMessage) throws {
        let kind: Kind
        switch message.kind {
        case .partial: kind = .partial
        case .final: kind = .final
        case .unspecified, .unrecognized:
            throw ProtoBridgeError(
                .invalidValue, messageName: NBestListMessage.protoMessageName, fieldPath: "kind",
                message: "result kind \(message.kind.protoNumber) is neither PARTIAL nor FINAL")
        }
        self.init(
            utteranceID: message.utteranceID, sessionID: message.sessionID,
            sequenceNumber: message.sequenceNumber, kind: kind, stability: message.stability,
            hypotheses: message.hypotheses.map(Hypothesis.init))
    }
}
