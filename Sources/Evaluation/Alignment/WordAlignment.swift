/// The alignment of a hypothesis against a reference: every step plus the S/D/I/C counts.
public struct WordAlignment: Sendable, Hashable, Codable {
    /// Steps in reading order.
    public var words: [AlignedWord]
    public var counts: ErrorCounts

    public init(words: [AlignedWord], counts: ErrorCounts) {
        self.words = words
        self.counts = counts
    }

    /// Aligns two texts split on spaces with a fresh aligner (use a `WordAligner` in loops).
    public init(reference: String, hypothesis: String) {
        var aligner = WordAligner()
        self = aligner.align(reference: reference, hypothesis: hypothesis)
    }
}
