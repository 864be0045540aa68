/// The score of one utterance: normalised texts and the S/D/I/C counts of their alignment.
public struct UtteranceScore: Sendable, Hashable, Codable {
    public var utteranceID: String
    /// Reference after normalisation.
    public var reference: String
    /// Hypothesis after normalisation.
    public var hypothesis: String
    public var counts: ErrorCounts

    public init(utteranceID: String, reference: String, hypothesis: String, counts: ErrorCounts) {
        self.utteranceID = utteranceID
        self.reference = reference
        self.hypothesis = hypothesis
        self.counts = counts
    }

    /// Whether the utterance has at least one word error (counts towards SER).
    public var isSentenceError: Bool { counts.errors > 0 }
}
