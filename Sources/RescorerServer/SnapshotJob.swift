import Rescoring
public import RescoringCore

/// A job with the engine snapshot it was accepted under.
///
/// The compute pool may batch jobs accepted before and after an adapter swap; each is scored by
/// its own snapshot, so a request in flight finishes with the adapters it started with.
public struct SnapshotJob: Sendable {
    public var job: RescoringJob
    public var snapshot: AdapterRegistry.Snapshot

    /// Scores a batch, one engine pass per snapshot generation (one pass unless a swap happened
    /// while the jobs waited); results in job order.
    static func rescoreEach(
        _ jobs: [SnapshotJob], limits: RescoringLimits, budget: WorkBudget, sessions: SessionStateCache?
    ) -> [Result<RescoredList, any Error>] {
        var results = [Result<RescoredList, any Error>?](repeating: nil, count: jobs.count)
        var generations: [UInt64] = []
        for job in jobs where !generations.contains(job.snapshot.generation) {
            generations.append(job.snapshot.generation)
        }
        for generation in generations {
            let indices = jobs.indices.filter { jobs[$0].snapshot.generation == generation }
            let engine = jobs[indices[0]].snapshot.engine
            // The generation keys the session states: an adapter reloaded under the same name
            // is another generation, so its jobs never continue states of the old weights.
            let scored = engine.rescoreEach(
                indices.map { jobs[$0].job }, limits: limits, budget: budget, sessions: sessions,
                stateGeneration: generation)
            for (index, result) in zip(indices, scored) { results[index] = result }
        }
        return results.map { $0! }
    }
}
