public import NBest

/// An N-best list together with the reference transcript of its utterance: one line of an
/// N-best JSONL file (see `Docs/nbest-jsonl.md`).
public struct NBestRecord: Sendable, Hashable {
    /// The reference transcript (words separated by single spaces; may be empty).
    public var reference: String
    public var list: NBestList

    public init(reference: String, list: NBestList) {
        self.reference = reference
        self.list = list
    }
}
