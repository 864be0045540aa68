public import Evaluation

/// Where the aggregator keeps utterance outcomes, keyed by (run, condition, utterance).
///
/// Two implementations share these rules: `SQLiteOutcomeStore` (one process, an embedded file) and
/// the PostgreSQL store (target `PostgresOutcomeStore`), which several aggregator processes can
/// write at once. Storing is an idempotent upsert: exactly one writer of a key sees `.inserted`,
/// whatever process it runs in; later identical offers are `.duplicate`, different ones `.conflict`
/// (see `RecordDisposition`). Reports are computed from `outcomes(run:)`, so equal stored records
/// give equal reports whichever backend holds them.
public protocol OutcomeStore: Sendable {
    /// Where the records are, for log lines and error messages (a path, or a URL without password).
    var location: String { get }

    /// Stores several outcomes in one transaction (one commit for the batch); one disposition each.
    ///
    /// - Throws: `OutcomeStoreError` (`.invalidOutcome`) when an outcome breaks
    ///   `UtteranceOutcome.validate()`, `.unavailable` when the database cannot be reached, else
    ///   `.ioFailure`; nothing of the batch is stored then, so the batch can be resent whole.
    func record(_ outcomes: [UtteranceOutcome]) async throws(OutcomeStoreError) -> [RecordDisposition]

    /// Every stored outcome of `run`, as the set `Evaluation` computes figures from.
    func outcomes(run: String) async throws(OutcomeStoreError) -> OutcomeSet

    /// How many outcomes are stored for `run` (every run when `nil`).
    func count(run: String?) async throws(OutcomeStoreError) -> Int

    /// The runs with at least one stored outcome, sorted.
    func runs() async throws(OutcomeStoreError) -> [String]

    /// Yields after every commit that stored a new outcome of `run` (of any run when `nil`).
    ///
    /// Pending wake-ups coalesce: a slow consumer sees one for many records. Subscribe *before*
    /// reading the current state so no change falls between the read and the subscription.
    func changes(run: String?) -> AsyncStream<Void>

    /// Ends every stream `changes(run:)` handed out (the server is shutting down).
    func endChangeStreams()

    /// Whether calls can be served now. A store on a server (PostgreSQL) may start before its
    /// server can be reached; an embedded one (SQLite) is ready once opened.
    var isReady: Bool { get }

    /// Returns once the store is ready; until then its calls fail with `.unavailable`.
    ///
    /// - Throws: `OutcomeStoreError` when it will never be (a refused login, a missing database),
    ///   or `.unavailable` when the wait is cancelled first.
    func waitUntilReady() async throws(OutcomeStoreError)

    /// Returns once the first attempt to reach the store has ended, ready or not.
    ///
    /// - Throws: `OutcomeStoreError` when that attempt failed for good (a refused login, a missing
    ///   database), so a server can report it in one line before it starts serving.
    func firstAttemptEnded() async throws(OutcomeStoreError)
}

extension OutcomeStore {
    /// Ready once opened (an embedded store).
    public var isReady: Bool { true }

    /// Ready once opened (an embedded store).
    public func waitUntilReady() async throws(OutcomeStoreError) {}

    /// Ready once opened (an embedded store).
    public func firstAttemptEnded() async throws(OutcomeStoreError) {}

    /// Stores `outcome` unless its key is taken; says what happened.
    @discardableResult
    public func record(_ outcome: UtteranceOutcome) async throws(OutcomeStoreError) -> RecordDisposition {
        try await record([outcome])[0]
    }

    /// How many outcomes are stored in all runs.
    public func count() async throws(OutcomeStoreError) -> Int {
        try await count(run: nil)
    }
}

/// The rules every `OutcomeStore` applies before and after touching its database.
extension UtteranceOutcome {
    /// Validates every outcome of a batch before any is stored, so a bad batch stores nothing.
    ///
    /// - Throws: `OutcomeStoreError` (`.invalidOutcome`) naming the first invalid outcome's reason.
    /// Texts with a NUL character are refused by every backend, since PostgreSQL cannot store
    /// them in `TEXT` and a record must not be valid in one store and not in the other.
    package static func validateBatch(_ outcomes: [UtteranceOutcome]) throws(OutcomeStoreError) {
        for outcome in outcomes {
            do {
                try outcome.validate()
            } catch {
                throw OutcomeStoreError(.invalidOutcome, "\(error)", cause: error)
            }
            let texts = [
                outcome.run, outcome.condition, outcome.utteranceID, outcome.reference, outcome.chosenText,
            ]
            if (texts + outcome.firstPassTexts).contains(where: { $0.contains("\u{0}") }) {
                throw OutcomeStoreError(
                    .invalidOutcome,
                    "\(outcome.run)/\(outcome.condition)/\(outcome.utteranceID): a text contains a NUL character"
                )
            }
        }
    }

    /// What offering `self` means when `stored` already holds its key.
    package func disposition(against stored: UtteranceOutcome) -> RecordDisposition {
        stored == self ? .duplicate : .conflict(stored: stored)
    }
}
