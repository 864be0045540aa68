/// One stream's claim on a `SessionStateCache`: its jobs may reuse the LM states of its own
/// earlier partial lists, and no other stream's.
public struct RescoringSession: Sendable, Hashable {
    /// Unique within the cache that opened it.
    public let id: UInt64

    /// Only a `SessionStateCache` opens sessions; the package-wide init lets it live in `Rescoring`.
    package init(id: UInt64) { self.id = id }
}
