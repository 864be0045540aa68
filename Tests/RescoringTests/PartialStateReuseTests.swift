import H2RPC
import NBest
import RescoringCore
import RescoringMessages
import RescoringRPC
import Testing

@testable import RescorerServer
@testable import Rescoring

/// Live partial lists reuse each other's LM states per stream and utterance: the same results as
/// scoring from scratch, much less work for the final list, and nothing left behind.
@Suite struct PartialStateReuseTests {
    static let finalTexts = [
        "the cat sat on the mat", "the hat sat on the mat", "a cat sat on the mat", "the cat sat on a hat",
    ]

    /// Partial lists of growing word prefixes of the final hypotheses, then the final list.
    static func utterance(_ id: String, firstSequence: UInt64 = 0) -> [NBestList] {
        let words = finalTexts.map { $0.split(separator: " ") }
        var lists: [NBestList] = []
        for cut in 1..<6 {
            var texts: [String] = []
            for hypothesis in words {
                let text = hypothesis.prefix(cut).joined(separator: " ")
                if !texts.contains(text) { texts.append(text) }
            }
            lists.append(TinyEngine.list(id, texts))
        }
        lists.append(TinyEngine.list(id, finalTexts))
        for index in lists.indices {
            lists[index].sequenceNumber = firstSequence + UInt64(index)
            lists[index].kind = index == lists.count - 1 ? .final : .partial
        }
        return lists
    }

    /// Bit for bit: a session's reuse changes the work, never a score.
    static func expectSameScores(_ cached: RescoredList, _ cold: RescoredList) {
        #expect(cached.ranking.map(\.originalIndex) == cold.ranking.map(\.originalIndex))
        for (x, y) in zip(cached.ranking, cold.ranking) {
            #expect(x.lmScore == y.lmScore)
            #expect(x.fusedScore == y.fusedScore)
        }
    }

    @Test func sessionJobsScoreAsColdJobsAndTheFinalComputesLittle() throws {
        let engine = try TinyEngine.make()
        let sessions = SessionStateCache(byteBudget: 16 << 20)
        let session = sessions.openSession()
        let lists = Self.utterance("u1")
        for list in lists {
            let cached = try engine.rescore([RescoringJob(list: list, session: session)], sessions: sessions)[
                0]
            Self.expectSameScores(cached, try engine.rescore([RescoringJob(list: list)])[0])
        }
        // The final's own work: compare the counter before and after scoring it alone, warm. Only
        // its last word (1 of 6) is new; cold scoring already shares the common prefixes.
        let warmSessions = SessionStateCache(byteBudget: 16 << 20)
        let warm = warmSessions.openSession()
        for list in lists.dropLast() {
            _ = try engine.rescore([RescoringJob(list: list, session: warm)], sessions: warmSessions)
        }
        let before = warmSessions.statistics.computedPositions
        _ = try engine.rescore([RescoringJob(list: lists.last!, session: warm)], sessions: warmSessions)
        let finalWork = warmSessions.statistics.computedPositions - before
        let coldSessions = SessionStateCache(byteBudget: 16 << 20)
        _ = try engine.rescore(
            [RescoringJob(list: lists.last!, session: coldSessions.openSession())], sessions: coldSessions)
        let coldWork = coldSessions.statistics.computedPositions
        #expect(finalWork * 3 <= coldWork, "final after partials \(finalWork) positions, cold \(coldWork)")
        // The final freed its utterance's states.
        #expect(warmSessions.statistics.entries == 0)
    }

    @Test func aSmallBudgetEvictsAndScoresStayTheSame() throws {
        let engine = try TinyEngine.make()
        // About two states of the tiny model: most are evicted as the partials arrive.
        let sessions = SessionStateCache(byteBudget: 2_000)
        let session = sessions.openSession()
        for utterance in ["u1", "u2"] {
            for list in Self.utterance(utterance) {
                let cached = try engine.rescore(
                    [RescoringJob(list: list, session: session)], sessions: sessions)[0]
                Self.expectSameScores(cached, try engine.rescore([RescoringJob(list: list)])[0])
                #expect(sessions.statistics.bytes <= 2_000)
            }
        }
        #expect(sessions.statistics.evictions > 0)
    }

    @Test func sessionsAreIsolatedAndClosingFreesTheirStates() throws {
        let engine = try TinyEngine.make()
        let sessions = SessionStateCache(byteBudget: 16 << 20)
        let first = sessions.openSession()
        let second = sessions.openSession()
        let partial = Self.utterance("u1")[4]
        _ = try engine.rescore([RescoringJob(list: partial, session: first)], sessions: sessions)
        let held = sessions.statistics.entries
        #expect(held == partial.hypotheses.count)
        // The same utterance id on another stream finds nothing of the first stream's.
        let hits = sessions.statistics.hits
        _ = try engine.rescore(
            [RescoringJob(list: Self.utterance("u1")[5], session: second)], sessions: sessions)
        #expect(sessions.statistics.hits == hits)
        sessions.close(first)
        sessions.close(second)
        #expect(sessions.statistics.entries == 0)
        #expect(sessions.openSessionCount == 0)
        // A job of a closed session (a stream that ended while its job waited) keeps nothing.
        _ = try engine.rescore([RescoringJob(list: partial, session: first)], sessions: sessions)
        #expect(sessions.statistics.entries == 0)
    }

    /// Over real loopback HTTP/2: a stream of two utterances' partials and finals gets its results
    /// in order with the scores of cold scoring, reuses states, and leaves none behind.
    @Test func aRescoreStreamReusesPartialStatesAndFreesThemAtTheEnd() async throws {
        let engine = try TinyEngine.make()
        let lists = Self.utterance("u1") + Self.utterance("u2", firstSequence: 6)
        let (results, rescorer) = try await RescorerHarness.withServer(engine: engine) { client, rescorer in
            let results = try await RescorerClient(client).rescore { writer, responses in
                try await writer.write(contentsOf: lists.map { RescorerHarness.request($0) })
                writer.finish()
                var received: [RescoreResult] = []
                for try await result in responses { received.append(result) }
                return received
            }
            return (results, rescorer)
        }
        #expect(results.map(\.sequenceNumber) == lists.map(\.sequenceNumber))
        #expect(results.map(\.utteranceID) == lists.map(\.utteranceID))
        for (result, list) in zip(results, lists) {
            let cold = try engine.rescore([RescoringJob(list: list)])[0]
            #expect(result.hypotheses.map { Int($0.originalIndex) } == cold.ranking.map(\.originalIndex))
            for (scored, expected) in zip(result.hypotheses, cold.ranking) {
                #expect(abs(scored.lmScore - expected.lmScore) < 1e-4)
            }
        }
        let cache = try #require(rescorer.sessionCache)
        #expect(cache.statistics.hits > 0)
        #expect(cache.statistics.entries == 0, "finals and the stream's end free every state")
        #expect(cache.openSessionCount == 0)
    }
}
