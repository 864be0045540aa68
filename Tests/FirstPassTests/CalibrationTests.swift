import NBest
import Testing

@testable import FirstPass

@Suite("Error profile and calibration")
struct CalibrationTests {
    let lexicon = FirstPassFixtures.model.lexicon

    private func record(_ reference: String, _ hypotheses: [String]) -> NBestRecord {
        NBestRecord(
            reference: reference,
            list: NBestList(
                utteranceID: reference,
                hypotheses: hypotheses.enumerated().map { Hypothesis(text: $1, totalScore: -Double($0)) }))
    }

    @Test("the profile of hand-made lists has the expected figures")
    func handMadeProfile() throws {
        let records = [
            // 1-best: one homophone substitution (see→sea); reference at rank 3.
            record("we see the sea", ["we sea the sea", "we see the see", "we see the sea"]),
            // 1-best correct.
            record("the cat went", ["the cat went", "the bat went"]),
            // 1-best: one non-homophone substitution and one insertion; reference absent.
            record("a boat", ["a goat the", "a boat the"]),
            // 1-best: one deletion; reference at rank 2.
            record("the cat went", ["the went", "the cat went"]),
        ]
        let profile = try ErrorProfile.measure(records, lexicon: lexicon)
        #expect(profile.utterances == 4)
        #expect(profile.referenceWords == 12)
        #expect(abs(profile.oneBestWER - 4.0 / 12) < 1e-12)
        #expect(profile.substitutionShare == 0.5)
        #expect(profile.deletionShare == 0.25)
        #expect(profile.insertionShare == 0.25)
        #expect(profile.homophoneSubstitutionShare == 0.25)
        #expect(abs(profile.oracleWER[0] - 4.0 / 12) < 1e-12)
        #expect(abs(profile.oracleWER[1] - 2.0 / 12) < 1e-12)
        #expect(abs(profile.oracleWER[2] - 1.0 / 12) < 1e-12)
        #expect(profile.referenceRankShares[0...2] == [0.25, 0.25, 0.25])
        #expect(profile.referenceAbsentShare == 0.25)
        // Only "the cat went" → "the cat went" is error-free; per-utterance WERs 1/4, 0, 1, 1/3.
        #expect(profile.errorFreeShare == 0.25)
        let werValues = [0.25, 0, 1, 1.0 / 3]
        let mean = werValues.reduce(0, +) / 4
        let spread = (werValues.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 4).squareRoot()
        #expect(abs(profile.perUtteranceWERSpread - spread) < 1e-12)
        #expect(profile.formatted().contains("error-free 1-best"))
        #expect(profile.formatted().contains("1-best WER"))
        #expect(profile.distance(to: profile) == 0)
    }

    @Test("an empty record set is a typed error")
    func empty() {
        let error = #expect(throws: SimulationError.self) { try ErrorProfile.measure([], lexicon: lexicon) }
        #expect(error?.code == .invalidInput)
    }

    @Test("fitting to a profile of the simulator with known parameters recovers a close profile")
    func recoversKnownProfile() throws {
        let references = FirstPassFixtures.randomSentences(60, length: 8, seed: 21)
        var truth = SimulatorParameters()
        truth.targetWER = 0.25
        truth.deletionBias = 1
        truth.insertionBias = -3
        truth.noiseScale = 1.6
        truth.listSize = 5
        let calibration = try SimulatorCalibration(
            model: FirstPassFixtures.model, references: references, seed: 99)
        let target = try calibration.profile(of: truth)
        let start = SimulatorParameters()
        let before = try calibration.profile(of: start).distance(to: target)
        let result = try calibration.fit(target: target, start: start, maximumEvaluations: 40)
        #expect(result.loss < before / 4, "loss \(before) → \(result.loss)")
        #expect(abs(result.achieved.oneBestWER - target.oneBestWER) < 0.03)
        #expect(abs(result.achieved.deletionShare - target.deletionShare) < 0.1)
        #expect(result.parameters.listSize == 5)
        #expect(result.evaluations <= 40)
    }
}
