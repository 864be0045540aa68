import FirstPass
import H2RPC
import NBest
import OfflineRescoring
import RescoringMessages
import RescoringRPC
import Testing

@testable import RescorerServer
@testable import Rescoring

/// `secondpass rescore`'s library gives the service's choices and scores on the same lists.
@Suite struct OfflineRescoringTests {
    /// Final lists of several utterances, as a decoder's N-best file holds them.
    static let finals: [NBestRecord] = [
        (
            "u1", "the cat sat on the mat",
            ["the cat sat on the mat", "the hat sat on the mat", "a cat sat on a mat"]
        ),
        ("u2", "she read the letter again", ["she red the letter again", "she read the letter again"]),
        (
            "u3", "he walked to the house",
            ["he walked to the house", "he walk to the house", "we walked to a house"]
        ),
    ].map { id, reference, texts in
        NBestRecord(
            reference: reference,
            list: TinyEngine.list(id, texts, scores: texts.indices.map { -0.4 * Double($0) }))
    }

    /// A stream's partial and final lists of two utterances, one session.
    static let streamed: [NBestRecord] =
        (PartialStateReuseTests.utterance("u1")
        + PartialStateReuseTests.utterance("u2", firstSequence: 6)).map { list in
            var list = list
            list.sessionID = "s1"
            return NBestRecord(reference: "the cat sat on the mat", list: list)
        }

    static func expectIdentical(_ offline: RescoredRecord, _ service: RescoreResult) {
        #expect(offline.utteranceID == service.utteranceID)
        #expect(offline.sequenceNumber == service.sequenceNumber)
        #expect(offline.chosenIndex == Int(service.chosenIndex))
        #expect(
            offline.hypotheses.map { UInt32($0.originalIndex) } == service.hypotheses.map(\.originalIndex))
        #expect(offline.hypotheses.map(\.lmScore) == service.hypotheses.map(\.lmScore))
        #expect(offline.hypotheses.map(\.fusedScore) == service.hypotheses.map(\.fusedScore))
    }

    @Test func finalsGetTheChoicesAndScoresOfRescoreOne() async throws {
        let engine = try TinyEngine.make(lmWeight: 0.3, lengthBonus: 1.5)
        let offline = try OfflineRescorer(engine: engine, run: "base").rescore(Self.finals)
        #expect(offline.outcomes.count == Self.finals.count)
        try await RescorerHarness.withServer(engine: engine) { client, _ in
            let rescorer = RescorerClient(client)
            for (record, result) in zip(Self.finals, offline.results) {
                Self.expectIdentical(
                    result, try await rescorer.rescoreOne(RescorerHarness.request(record.list)))
            }
        }
        // Outcomes carry the choice and the reference for eval-report.
        let outcome = try #require(offline.outcomes.outcomes(run: "base", condition: "clean").first)
        #expect(outcome.reference == Self.finals[0].reference)
        #expect(outcome.chosenText == offline.results[0].chosenText)
    }

    @Test func partialsAndFinalsGetTheResultsOfARescoreStream() async throws {
        let engine = try TinyEngine.make(lmWeight: 0.3, lengthBonus: 1.5)
        let offline = try OfflineRescorer(engine: engine, run: "base").rescore(Self.streamed)
        #expect(offline.reusedPositions > 0, "partial states were reused")
        #expect(offline.outcomes.count == 2)
        let service = try await RescorerHarness.withServer(engine: engine) { client, _ in
            try await RescorerClient(client).rescore { writer, responses in
                try await writer.write(contentsOf: Self.streamed.map { RescorerHarness.request($0.list) })
                writer.finish()
                var received: [RescoreResult] = []
                for try await result in responses { received.append(result) }
                return received
            }
        }
        try #require(service.count == offline.results.count)
        for (result, reply) in zip(offline.results, service) { Self.expectIdentical(result, reply) }
    }

    @Test func aListThatCannotBeScoredNamesItsRecord() throws {
        let engine = try TinyEngine.make()
        var records = Self.finals
        records[1].list.hypotheses[0].text = Array(repeating: "the cat", count: 40).joined(separator: " ")
        let error = try #require(throws: RescoringError.self) {
            try OfflineRescorer(engine: engine, run: "base").rescore(records)
        }
        #expect(error.code == .hypothesisTooLong)
        #expect(error.message.hasPrefix("record 2: utterance u2"))
    }
}
