/// Counts each utterance of a run exactly once.
///
/// After failover the same utterance may be answered twice (by the replica that died, if its
/// answer was already on the wire, and by the one it was resent to). The ledger accepts the
/// first final result per key and reports later ones as duplicates, so records, WER and the
/// exit status see one result per utterance whatever the order of arrival.
public struct ResultLedger<Result: Sendable>: Sendable {
    /// What happened to an offered result.
    public enum Acceptance: Sendable, Hashable {
        /// The first result for this key: it counts.
        case accepted
        /// The key already has a result; this one is ignored.
        case duplicate
        /// The key is not part of the run (a result for something never sent).
        case unexpected
    }

    public private(set) var expected: Set<UtteranceKey>
    public private(set) var results: [UtteranceKey: Result] = [:]
    public private(set) var duplicates = 0
    public private(set) var unexpected = 0

    public init(expecting keys: some Sequence<UtteranceKey>) {
        expected = Set(keys)
    }

    /// Offers a final result for `key`.
    public mutating func offer(_ result: Result, for key: UtteranceKey) -> Acceptance {
        guard expected.contains(key) else {
            unexpected += 1
            return .unexpected
        }
        guard results[key] == nil else {
            duplicates += 1
            return .duplicate
        }
        results[key] = result
        return .accepted
    }

    public func hasResult(for key: UtteranceKey) -> Bool { results[key] != nil }

    /// How many expected utterances have a result.
    public var done: Int { results.count }

    /// True once every expected utterance has a result.
    public var isComplete: Bool { results.count == expected.count }

    /// The expected keys still without a result, sorted.
    public var missing: [UtteranceKey] { expected.subtracting(results.keys).sorted() }
}
