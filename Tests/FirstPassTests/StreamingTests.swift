import NBest
import Testing

@testable import FirstPass

@Suite("Streaming partial results")
struct StreamingTests {
    @Test("partials grow word by word, then one final list; sequence numbers consecutive")
    func shape() throws {
        let simulator = FirstPassFixtures.simulator { $0.targetWER = 0.2 }
        let reference = "the cat went into the house"
        let stream = simulator.stream(
            reference: reference, utteranceID: "s", sessionID: "session", firstSequenceNumber: 7)
        #expect(stream.lists.count == 6)
        #expect(stream.lists.map(\.sequenceNumber) == Array(7...12))
        #expect(stream.lists.dropLast().allSatisfy { $0.kind == .partial })
        #expect(stream.lists.last?.kind == .final)
        #expect(stream.lists.allSatisfy { $0.sessionID == "session" && $0.utteranceID == "s" })
        for list in stream.lists {
            #expect((0...1).contains(list.stability))
            #expect(!list.hypotheses.isEmpty)
            #expect(
                zip(list.hypotheses, list.hypotheses.dropFirst()).allSatisfy {
                    $0.totalScore >= $1.totalScore
                })
        }
        let firstPartial = try #require(stream.lists.first?.best)
        #expect(firstPartial.words.count <= 2)
        #expect(stream.lists.last?.stability == 1)
    }

    @Test("the final list equals the non-streaming simulation")
    func finalMatches() {
        let simulator = FirstPassFixtures.simulator { $0.targetWER = 0.2 }
        for (index, sentence) in FirstPassFixtures.sentences.enumerated() {
            let final = simulator.stream(reference: sentence, utteranceID: "f\(index)").lists.last!
            let single = simulator.simulate(
                reference: sentence, utteranceID: "f\(index)", sequenceNumber: final.sequenceNumber)
            #expect(final == single.list)
        }
    }

    @Test("partials sometimes revise an earlier word")
    func revisions() {
        let simulator = FirstPassFixtures.simulator { $0.targetWER = 0.2 }
        var revisions = 0
        var partialsCompared = 0
        for (index, sentence) in FirstPassFixtures.randomSentences(60, length: 8, seed: 4).enumerated() {
            let lists = simulator.stream(reference: sentence, utteranceID: "v\(index)").lists
            for (earlier, later) in zip(lists, lists.dropFirst()) {
                let before = earlier.best!.words
                let after = later.best!.words
                partialsCompared += 1
                if !after.starts(with: before) { revisions += 1 }
            }
        }
        #expect(revisions > 0)
        #expect(revisions < partialsCompared / 2)
    }

    @Test("the stream is also an AsyncSequence")
    func asyncIteration() async {
        let stream = FirstPassFixtures.simulator().stream(reference: "we see the sea", utteranceID: "a")
        var kinds: [NBestList.Kind] = []
        for await list in stream { kinds.append(list.kind) }
        #expect(kinds == [.partial, .partial, .partial, .final])
    }
}
