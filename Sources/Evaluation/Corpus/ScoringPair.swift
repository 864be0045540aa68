/// A reference transcript and the hypothesis to score against it, for one utterance.
public struct ScoringPair: Sendable, Hashable, Codable {
    public var utteranceID: String
    public var reference: String
    public var hypothesis: String

    public init(utteranceID: String, reference: String, hypothesis: String) {
        self.utteranceID = utteranceID
        self.reference = reference
        self.hypothesis = hypothesis
    }
}
