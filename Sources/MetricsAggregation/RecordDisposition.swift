public import Evaluation

/// What the store did with one outcome offered to it.
///
/// Records are keyed by (run, condition, utterance). A resent *identical* outcome is a duplicate
/// (clients resend after failover or an aggregator restart). A resent *different* outcome is a
/// conflict and is not stored: keeping either version silently would make the figures depend on
/// arrival order, so the first stored outcome stays and the client is told why (the same rule as
/// `Evaluation.OutcomeSet`). A corrected rerun is recorded under a new run ID.
public enum RecordDisposition: Sendable, Hashable {
    /// Stored for the first time.
    case inserted
    /// An identical outcome was already stored; nothing changed.
    case duplicate
    /// A different outcome is stored under the same key; the offered one was not stored.
    case conflict(stored: UtteranceOutcome)
}
