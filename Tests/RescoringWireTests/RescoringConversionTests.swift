import Evaluation
import NBest
import RescoringCore
import RescoringMessages
import RescoringWire
import Testing

@Suite("Conversions between rescoring messages and jobs, rescored lists and outcomes")
struct RescoringConversionTests {
    static let list = NBestList(
        utteranceID: "u1", sessionID: "s", sequenceNumber: 7, kind: .final,
        hypotheses: [Hypothesis(text: "a cat", totalScore: -1), Hypothesis(text: "a hat", totalScore: -2)])

    @Test("a config maps empty adapter and zero max_hypotheses to the base model and no cut")
    func jobDefaults() throws {
        let job = try RescoringJob(NBestListMessage(Self.list), config: RescoringConfig())
        #expect(job == RescoringJob(list: Self.list))
        #expect(try RescoringJob(NBestListMessage(Self.list), config: nil) == RescoringJob(list: Self.list))
    }

    @Test("a config's adapter, fusion weights and cut reach the job")
    func jobOverrides() throws {
        let weights = FusionWeights(firstPassWeight: 0.5, lmWeight: 2, lengthBonus: -1)
        let job = try RescoringJob(
            NBestListMessage(Self.list),
            config: RescoringConfig(adapter: "a", fusion: weights, maxHypotheses: 1))
        #expect(job.adapter == "a")
        #expect(job.fusion == ScoreFusion(firstPassWeight: 0.5, lmWeight: 2, lengthBonus: -1))
        #expect(job.maxHypotheses == 1)
        #expect(FusionWeights(try #require(job.fusion)) == weights)
    }

    @Test("a list of unspecified kind is not a job")
    func jobRejectsUnspecifiedKind() {
        var message = NBestListMessage(Self.list)
        message.kind = .unspecified
        #expect(throws: ProtoBridgeError.self) { try RescoringJob(message, config: nil) }
    }

    static let rescored = RescoredList(
        list: list,
        ranking: [
            RescoredHypothesis(
                originalIndex: 1, text: "a hat", firstPassScore: -2, lmScore: -3, fusedScore: -3.5,
                tokenCount: 3),
            RescoredHypothesis(
                originalIndex: 0, text: "a cat", firstPassScore: -1, lmScore: -6, fusedScore: -4,
                tokenCount: 3),
        ],
        adapter: nil, fusion: ScoreFusion(firstPassWeight: 1, lmWeight: 0.5, lengthBonus: 0))

    @Test("a rescored list becomes a result with its ranking, choice, base-model adapter and times")
    func result() {
        let result = RescoreResult(
            Self.rescored, modelID: "m", replicaID: "r", queueTimeMicroseconds: 5, computeTimeMicroseconds: 9)
        #expect(result.utteranceID == "u1" && result.sessionID == "s" && result.sequenceNumber == 7)
        #expect(result.kind == .final)
        #expect(result.hypotheses.map(\.originalIndex) == [1, 0])
        #expect(result.hypotheses.map(\.text) == ["a hat", "a cat"])
        #expect(result.hypotheses.first?.fusedScore == -3.5)
        #expect(result.chosenIndex == 1)
        #expect(result.adapter.isEmpty)
        #expect(result.modelID == "m" && result.replicaID == "r")
        #expect(result.queueTimeMicroseconds == 5 && result.computeTimeMicroseconds == 9)
        #expect(result.fusion == FusionWeights(firstPassWeight: 1, lmWeight: 0.5, lengthBonus: 0))
    }

    @Test("a final result becomes the outcome of its best-ranked hypothesis")
    func outcome() {
        let result = RescoreResult(
            Self.rescored, modelID: "m", replicaID: "r", queueTimeMicroseconds: 0, computeTimeMicroseconds: 0)
        let outcome = UtteranceOutcome(
            result, run: "base", condition: "clean", reference: "a hat", firstPassTexts: ["a cat", "a hat"])
        #expect(outcome.utteranceID == "u1")
        #expect(outcome.chosenIndex == 1)
        #expect(outcome.chosenText == "a hat")
        #expect(outcome.firstPassTexts == ["a cat", "a hat"])
    }
}
