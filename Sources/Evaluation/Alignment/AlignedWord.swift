/// One step of a word alignment: what happened to a reference and/or hypothesis word.
public struct AlignedWord: Sendable, Hashable, Codable {
    /// The edit operation of one alignment step.
    public enum Operation: String, Sendable, Hashable, Codable, CaseIterable {
        /// Reference and hypothesis word are equal.
        case correct
        /// A reference word was recognised as a different hypothesis word.
        case substitution
        /// A reference word is missing from the hypothesis.
        case deletion
        /// A hypothesis word has no reference counterpart.
        case insertion
    }

    public var operation: Operation
    /// The reference word (`nil` for an insertion).
    public var reference: String?
    /// The hypothesis word (`nil` for a deletion).
    public var hypothesis: String?

    public init(_ operation: Operation, reference: String?, hypothesis: String?) {
        self.operation = operation
        self.reference = reference
        self.hypothesis = hypothesis
    }
}
