/// Utterance outcomes keyed by (run, condition, utterance), each counted once.
///
/// Streams are retried and records re-sent, so the same key may arrive more than once. An
/// identical re-send is ignored; a different outcome under an existing key is an error, because
/// silently keeping either would make the figures depend on arrival order.
public struct OutcomeSet: Sendable, Hashable, Codable {
    private var outcomes: [UtteranceOutcome.Key: UtteranceOutcome] = [:]

    public init() {}

    /// Builds a set from outcomes, applying the same duplicate rule as `insert`.
    public init<S: Sequence>(_ outcomes: S) throws where S.Element == UtteranceOutcome {
        for outcome in outcomes { try insert(outcome) }
    }

    /// Adds an outcome; returns false if an identical one was already present.
    @discardableResult
    public mutating func insert(_ outcome: UtteranceOutcome) throws -> Bool {
        try outcome.validate()
        if let existing = outcomes[outcome.key] {
            guard existing == outcome else {
                throw EvaluationError(
                    .conflictingDuplicate,
                    "\(outcome.run)/\(outcome.condition)/\(outcome.utteranceID) was already recorded with different content"
                )
            }
            return false
        }
        outcomes[outcome.key] = outcome
        return true
    }

    public var count: Int { outcomes.count }

    /// Runs present, sorted.
    public var runs: [String] { Set(outcomes.keys.map(\.run)).sorted() }

    /// Conditions present for `run`, sorted.
    public func conditions(run: String) -> [String] {
        Set(outcomes.keys.filter { $0.run == run }.map(\.condition)).sorted()
    }

    /// The outcomes of one run and condition, sorted by utterance ID (so resampling is reproducible).
    public func outcomes(run: String, condition: String) -> [UtteranceOutcome] {
        outcomes.values.filter { $0.run == run && $0.condition == condition }.sorted {
            $0.utteranceID < $1.utteranceID
        }
    }
}
