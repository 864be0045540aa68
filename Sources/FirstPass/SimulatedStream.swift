public import NBest

/// The streaming results of one simulated utterance: partial lists, then the final list.
///
/// Usable as a plain `Sequence` or, for code that consumes a live recogniser, as an
/// `AsyncSequence` (it never suspends: the results are computed up front).
public struct SimulatedStream: Sendable, Sequence, AsyncSequence {
    public typealias Element = NBestList
    public typealias Failure = Never

    /// The normalised reference of the utterance.
    public let reference: String
    /// Partials (kind `.partial`) then one final list, sequence numbers consecutive.
    public let lists: [NBestList]

    public struct Iterator: IteratorProtocol, AsyncIteratorProtocol, Sendable {
        var remaining: ArraySlice<NBestList>

        public mutating func next() -> NBestList? { remaining.popFirst() }
    }

    public func makeIterator() -> Iterator { Iterator(remaining: lists[...]) }
    public func makeAsyncIterator() -> Iterator { makeIterator() }
}
