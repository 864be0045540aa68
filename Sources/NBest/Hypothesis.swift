/// One first-pass recognition hypothesis.
///
/// Scores are natural-log values where higher is better, as a first-pass decoder reports
/// them. Domain code works with this value type; the RPC layer converts it to and from the
/// protobuf `Hypothesis` message at the edge.
public struct Hypothesis: Sendable, Hashable, Codable {
    /// Words separated by single spaces.
    public var text: String
    /// Token ids under the rescorer's tokenizer, when the sender already has them.
    public var tokenIDs: [Int32]
    /// First-pass total log score (acoustic + weighted LM + penalties).
    public var totalScore: Double
    /// First-pass acoustic log-likelihood.
    public var acousticScore: Double
    /// First-pass language-model log-probability.
    public var lmScore: Double
    /// Posterior confidence in [0, 1]; `nil` when the first pass does not provide one.
    public var confidence: Double?

    public init(
        text: String,
        tokenIDs: [Int32] = [],
        totalScore: Double,
        acousticScore: Double = 0,
        lmScore: Double = 0,
        confidence: Double? = nil
    ) {
        self.text = text
        self.tokenIDs = tokenIDs
        self.totalScore = totalScore
        self.acousticScore = acousticScore
        self.lmScore = lmScore
        self.confidence = confidence
    }

    /// The hypothesis split into words (empty for an empty hypothesis).
    public var words: [Substring] { text.split(separator: " ") }
}
