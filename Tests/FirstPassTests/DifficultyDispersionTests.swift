import Foundation
import NBest
import SeededRandom
import Testing

@testable import FirstPass

@Suite("Difficulty dispersion")
struct DifficultyDispersionTests {
    /// A digest of simulated lists: texts and scores at 1e-9, so a change of any draw shows.
    private static func digest(_ records: [NBestRecord]) -> UInt64 {
        var text = ""
        for record in records {
            for hypothesis in record.list.hypotheses {
                text += hypothesis.text
                text += String(
                    format: "|%.9f|%.9f|%.9f\n", hypothesis.totalScore, hypothesis.acousticScore,
                    hypothesis.lmScore)
            }
        }
        return SplitMix64.fnv1a(text)
    }

    @Test("dispersion 0 gives the lists the simulator gave before the parameter existed")
    func zeroIsUnchanged() {
        let references = FirstPassFixtures.randomSentences(40, length: 9, seed: 17)
        let simulator = FirstPassFixtures.simulator(
            {
                $0.targetWER = 0.2
                $0.referenceInListRate = 0.6
            }, seed: 3)
        let records = references.enumerated().map { simulator.simulate(reference: $1, utteranceID: "d\($0)") }
        // Recorded with the simulator of main before `difficultyDispersion` existed.
        #expect(Self.digest(records) == 6_467_228_839_160_025_509)
    }

    /// Profile of `references` simulated at 20% target WER with `dispersion`.
    private static func profile(dispersion: Double, references: [String]) throws -> ErrorProfile {
        var parameters = SimulatorParameters()
        parameters.targetWER = 0.2
        parameters.difficultyDispersion = dispersion
        let calibration = try SimulatorCalibration(
            model: FirstPassFixtures.model, references: references, seed: 7)
        return try calibration.profile(of: parameters)
    }

    @Test("with dispersion the corpus WER stays near the target while error-free utterances appear")
    func dispersionMakesBursts() throws {
        let references = FirstPassFixtures.randomSentences(300, length: 10, seed: 23)
        let flat = try Self.profile(dispersion: 0, references: references)
        let bursty = try Self.profile(dispersion: 1.5, references: references)
        #expect(abs(flat.oneBestWER - 0.2) < 0.03, "flat WER \(flat.oneBestWER)")
        #expect(abs(bursty.oneBestWER - 0.2) < 0.03, "bursty WER \(bursty.oneBestWER)")
        #expect(
            bursty.errorFreeShare > flat.errorFreeShare + 0.1,
            "error-free \(flat.errorFreeShare) → \(bursty.errorFreeShare)")
        #expect(bursty.perUtteranceWERSpread > flat.perUtteranceWERSpread * 1.3)
    }

    @Test("the difficulty multiplier has mean 1 and the dispersion as variance")
    func multiplierMoments() throws {
        var parameters = SimulatorParameters()
        parameters.difficultyDispersion = 0.8
        let simulator = try NBestSimulator(model: FirstPassFixtures.model, parameters: parameters, seed: 5)
        let draws = (0..<20_000).map { simulator.difficulty(utteranceID: "m\($0)") }
        let mean = draws.reduce(0, +) / Double(draws.count)
        let variance = draws.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(draws.count)
        #expect(abs(mean - 1) < 0.03, "mean \(mean)")
        #expect(abs(variance - 0.8) < 0.12, "variance \(variance)")
        #expect(draws.allSatisfy { $0 > 0 })
        parameters.difficultyDispersion = 0
        let flat = try NBestSimulator(model: FirstPassFixtures.model, parameters: parameters, seed: 5)
        #expect(flat.difficulty(utteranceID: "m1") == 1)
    }

    @Test("the fit recovers a known dispersion from lists simulated with it")
    func fitRecoversDispersion() throws {
        let references = FirstPassFixtures.randomSentences(80, length: 10, seed: 29)
        var truth = SimulatorParameters()
        truth.targetWER = 0.2
        truth.difficultyDispersion = 2
        truth.listSize = 5
        let calibration = try SimulatorCalibration(
            model: FirstPassFixtures.model, references: references, seed: 41)
        let target = try calibration.profile(of: truth)
        var start = SimulatorParameters()
        start.targetWER = 0.2
        let result = try calibration.fit(target: target, start: start, maximumEvaluations: 40)
        #expect(
            abs(result.parameters.difficultyDispersion - 2) < 0.75,
            "fitted dispersion \(result.parameters.difficultyDispersion)")
        #expect(abs(result.achieved.errorFreeShare - target.errorFreeShare) < 0.05)
    }

    @Test("a parameters file written before the field existed loads with dispersion 0")
    func oldFileLoads() throws {
        var parameters = SimulatorParameters()
        parameters.difficultyDispersion = 1.25
        parameters.noiseScale = 1.7
        let data = try JSONEncoder().encode(parameters)
        #expect(try JSONDecoder().decode(SimulatorParameters.self, from: data) == parameters)
        var object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        object.removeValue(forKey: "difficultyDispersion")
        let old = try JSONDecoder().decode(
            SimulatorParameters.self, from: JSONSerialization.data(withJSONObject: object))
        #expect(old.difficultyDispersion == 0)
        #expect(old.noiseScale == 1.7)
        object.removeValue(forKey: "noiseScale")
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(
                SimulatorParameters.self, from: JSONSerialization.data(withJSONObject: object))
        }
    }

    @Test("a negative dispersion, or one without a target WER, is a typed error naming the field")
    func validation() {
        var parameters = SimulatorParameters()
        parameters.difficultyDispersion = -0.1
        #expect(throws: SimulationError.self) { try parameters.validate() }
        parameters.difficultyDispersion = 1
        parameters.targetWER = nil
        let error = #expect(throws: SimulationError.self) { try parameters.validate() }
        #expect(error?.message.contains("difficultyDispersion") == true)
    }
}
