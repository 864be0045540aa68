/// An N-best list for one utterance: a live partial result or the final list.
///
/// Hypotheses are ordered best first by first-pass total score. Sequence numbers increase by
/// one for every list sent in a session, so receivers can detect loss and duplication.
public struct NBestList: Sendable, Hashable, Codable {
    /// Whether a list is a revisable partial result or the utterance's final list.
    public enum Kind: String, Sendable, Hashable, Codable {
        case partial
        case final
    }

    public var utteranceID: String
    /// The audio session (stream) the utterance belongs to.
    public var sessionID: String
    public var sequenceNumber: UInt64
    public var kind: Kind
    /// For partials: probability in [0, 1] that the current prefix will not be revised.
    public var stability: Float
    public var hypotheses: [Hypothesis]

    public init(
        utteranceID: String,
        sessionID: String = "",
        sequenceNumber: UInt64 = 0,
        kind: Kind = .final,
        stability: Float = 1,
        hypotheses: [Hypothesis]
    ) {
        self.utteranceID = utteranceID
        self.sessionID = sessionID
        self.sequenceNumber = sequenceNumber
        self.kind = kind
        self.stability = stability
        self.hypotheses = hypotheses
    }

    /// The first-pass 1-best hypothesis, if the list is not empty.
    public var best: Hypothesis? { hypotheses.first }
}
