import Foundation
import NBest
import Rescoring
import RescoringCore
import Testing

@testable import RescorerServer

/// Partial-list LM states belong to the adapter snapshot that computed them: an adapter unloaded
/// and loaded again under the same name with other weights must never continue states computed
/// with the old weights, even when a pass that started before the swap stores them afterwards.
@Suite struct PartialStateGenerationTests {
    /// Five partial lists of one utterance, then its final list.
    private static let lists = PartialStateReuseTests.utterance("u1")

    private static func lmScores(_ list: RescoredList) -> [Double] {
        list.ranking.sorted { $0.originalIndex < $1.originalIndex }.map(\.lmScore)
    }

    private static func score(
        _ list: NBestList, adapter: String, session: RescoringSession, snapshot: AdapterRegistry.Snapshot,
        sessions: SessionStateCache
    ) throws -> RescoredList {
        let job = SnapshotJob(
            job: RescoringJob(list: list, adapter: adapter, session: session), snapshot: snapshot)
        return try SnapshotJob.rescoreEach(
            [job], limits: RescoringLimits(), budget: WorkBudget(), sessions: sessions
        )[0].get()
    }

    @Test func statesStoredUnderAnOldSnapshotNeverContinueAReloadedAdapter() async throws {
        let engine = try TinyEngine.make()
        try await TestAdapters.withTemporaryRoot { root in
            try TestAdapters.save(for: engine, seed: 1, to: root.appendingPathComponent("first"))
            try TestAdapters.save(for: engine, seed: 2, to: root.appendingPathComponent("second"))
            let registry = AdapterRegistry(engine: engine, allowedRoot: root)
            try registry.load(name: "a", directory: "first", checkingRoot: true)
            let old = registry.snapshot
            let sessions = SessionStateCache(byteBudget: 16 << 20)
            let session = sessions.openSession()

            // `a` is unloaded and loaded again from other weights, and the replica frees the
            // states computed with it, as `LanguageModelRescorer` does after both calls.
            try registry.unload(name: "a")
            try registry.load(name: "a", directory: "second", checkingRoot: true)
            sessions.states.removeStates(adapter: "a")
            let new = registry.snapshot

            // A partial accepted before the swap is scored (and keeps its states) only now.
            let partial = Self.lists[4]
            let inFlight = try Self.score(
                partial, adapter: "a", session: session, snapshot: old, sessions: sessions)
            let oldCold = try old.engine.rescore([RescoringJob(list: partial, adapter: "a")])[0]
            #expect(
                Self.lmScores(inFlight) == Self.lmScores(oldCold),
                "the in-flight partial used the old weights")
            #expect(sessions.statistics.entries > 0)

            // The final list arrives after the swap: it must score as the new weights do from
            // scratch, not continue the old weights' states.
            let final = Self.lists[5]
            let scored = try Self.score(
                final, adapter: "a", session: session, snapshot: new, sessions: sessions)
            let newCold = try new.engine.rescore([RescoringJob(list: final, adapter: "a")])[0]
            let oldFinal = try old.engine.rescore([RescoringJob(list: final, adapter: "a")])[0]
            #expect(Self.lmScores(newCold) != Self.lmScores(oldFinal), "the two adapters score differently")
            for (got, expected) in zip(Self.lmScores(scored), Self.lmScores(newCold)) {
                #expect(
                    abs(got - expected) < 1e-4,
                    "final \(Self.lmScores(scored)) cold \(Self.lmScores(newCold))")
            }
            // The final also freed the states the old snapshot's partial left behind.
            #expect(sessions.statistics.entries == 0)
            sessions.close(session)
        }
    }

    @Test func partialsOfOneSnapshotStillReuseEachOther() async throws {
        let engine = try TinyEngine.make()
        try await TestAdapters.withTemporaryRoot { root in
            try TestAdapters.save(for: engine, seed: 1, to: root.appendingPathComponent("first"))
            let registry = AdapterRegistry(engine: engine, allowedRoot: root)
            try registry.load(name: "a", directory: "first", checkingRoot: true)
            let snapshot = registry.snapshot
            let sessions = SessionStateCache(byteBudget: 16 << 20)
            let session = sessions.openSession()
            for list in Self.lists {
                let scored = try Self.score(
                    list, adapter: "a", session: session, snapshot: snapshot, sessions: sessions)
                let cold = try snapshot.engine.rescore([RescoringJob(list: list, adapter: "a")])[0]
                for (got, expected) in zip(Self.lmScores(scored), Self.lmScores(cold)) {
                    #expect(abs(got - expected) < 1e-4)
                }
            }
            #expect(sessions.statistics.hits > 0)
            #expect(sessions.statistics.entries == 0, "the final freed the utterance's states")
            sessions.close(session)
        }
    }
}
