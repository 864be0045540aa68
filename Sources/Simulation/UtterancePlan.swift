public import NBest

/// Everything sent for one utterance under one condition: its partial lists, then its final list.
///
/// Plans are built before the run starts, so a resend after failover sends exactly the same
/// lists, and the rescorer's choice does not depend on which replica answered.
public struct UtterancePlan: Sendable, Hashable {
    public var key: UtteranceKey
    /// The reference transcript (what the aggregator scores against).
    public var reference: String
    /// Partial lists in order (empty when partials are off or the source has none).
    public var partials: [NBestList]
    /// The final list; its result is the one that counts.
    public var final: NBestList

    public init(key: UtteranceKey, reference: String, partials: [NBestList], final: NBestList) {
        self.key = key
        self.reference = reference
        self.partials = partials
        self.final = final
    }

    /// The lists to send on a `Rescore` stream, partials first.
    public var lists: [NBestList] { partials + [final] }
}
