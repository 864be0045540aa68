public import Evaluation
public import FirstPass
import NBest
public import Rescoring
import RescoringCore

/// Rescores a file's N-best lists without a server, through the engine the service uses.
///
/// What a researcher runs on real decoder output: the same `RescoringEngine` (model, adapters,
/// fusion), the same limits and the same per-stream reuse of partial-list LM states as a
/// `Rescore` stream (lists of one `sessionID` share a session, in file order), so a list gets
/// the choice and scores the service would give it. Lists are scored one per engine pass, as
/// the service scores a request that arrives alone.
public struct OfflineRescorer: Sendable {
    public var engine: RescoringEngine
    /// The adapter that scores every list; `nil` for the base model.
    public var adapter: String?
    /// Outcome records' run name (e.g. the adapter's name).
    public var run: String
    /// Outcome records' condition (e.g. "clean").
    public var condition: String
    /// Bounds on each list, as the service's `RescorerConfiguration.limits`.
    public var limits: RescoringLimits
    /// Bytes of partial-list LM state kept across lists of a session; 0 scores every list cold.
    public var partialStateBudgetBytes: Int

    public init(
        engine: RescoringEngine, adapter: String? = nil, run: String, condition: String = "clean",
        limits: RescoringLimits = RescoringLimits(), partialStateBudgetBytes: Int = 128 << 20
    ) {
        self.engine = engine
        self.adapter = adapter
        self.run = run
        self.condition = condition
        self.limits = limits
        self.partialStateBudgetBytes = partialStateBudgetBytes
    }

    /// What a run produced.
    public struct Output: Sendable {
        /// One per input list, in input order.
        public var results: [RescoredRecord]
        /// One per final list: what `secondpass eval-report` reads.
        public var outcomes: OutcomeSet
        /// Positions the LM computed and reused (partial-list states).
        public var computedPositions: Int
        public var reusedPositions: Int
    }

    /// Rescores `records` in order.
    ///
    /// - Parameters:
    ///   - budget: checked between and within lists; an interrupted run throws.
    ///   - progress: called after each list with the number done.
    /// - Throws: `RescoringError` naming the record (1-based, in input order) and utterance that
    ///   could not be scored; `EvaluationError` when two final lists of one utterance disagree.
    public func rescore(
        _ records: [NBestRecord], budget: WorkBudget = WorkBudget(), progress: (Int) -> Void = { _ in }
    ) throws -> Output {
        let sessions =
            partialStateBudgetBytes > 0 ? SessionStateCache(byteBudget: partialStateBudgetBytes) : nil
        var sessionOf: [String: RescoringSession] = [:]
        var results: [RescoredRecord] = []
        var outcomes = OutcomeSet()
        results.reserveCapacity(records.count)
        for (index, record) in records.enumerated() {
            var job = RescoringJob(list: record.list, adapter: adapter)
            if let sessions {
                let id = record.list.sessionID
                job.session = sessionOf[id] ?? sessions.openSession()
                sessionOf[id] = job.session
            }
            let rescored: RescoredList
            do {
                rescored = try engine.rescore([job], limits: limits, budget: budget, sessions: sessions)[0]
            } catch let error as RescoringError {
                throw RescoringError(error.code, "record \(index + 1): \(error.message)")
            }
            results.append(RescoredRecord(rescored, reference: record.reference, modelID: engine.modelID))
            if rescored.list.kind == .final {
                try outcomes.insert(
                    UtteranceOutcome(
                        run: run, condition: condition, reference: record.reference, firstPass: rescored.list,
                        chosenIndex: rescored.chosenIndex ?? 0, chosenText: rescored.chosenText))
            }
            progress(index + 1)
        }
        let statistics = sessions?.statistics
        return Output(
            results: results, outcomes: outcomes, computedPositions: statistics?.computedPositions ?? 0,
            reusedPositions: statistics?.reusedPositions ?? 0)
    }
}
