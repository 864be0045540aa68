/// Identifies one unit of work of a run: an utterance under one condition.
///
/// The same utterance is sent once per condition, and the aggregator keys its records by
/// (run, condition, utterance), so accounting and failover key by the pair too. On the wire the
/// condition travels as the list's `session_id`, which the rescorer echoes in its result.
public struct UtteranceKey: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var condition: String
    public var utteranceID: String

    public init(condition: String, utteranceID: String) {
        self.condition = condition
        self.utteranceID = utteranceID
    }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        (lhs.condition, lhs.utteranceID) < (rhs.condition, rhs.utteranceID)
    }

    public var description: String { "\(condition)/\(utteranceID)" }
}
