import Evaluation
import Foundation
import NBest
import Phonetics
import Testing

@testable import FirstPass

@Suite("N-best simulator")
struct NBestSimulatorTests {
    let model = FirstPassFixtures.model

    @Test("the same seed gives the same lists, whatever the order; another seed differs")
    func deterministic() {
        let references = FirstPassFixtures.randomSentences(30, length: 8, seed: 5)
        let simulator = FirstPassFixtures.simulator()
        let forward = references.enumerated().map { simulator.simulate(reference: $1, utteranceID: "u\($0)") }
        let backward = references.enumerated().reversed().map {
            simulator.simulate(reference: $1, utteranceID: "u\($0)")
        }
        #expect(forward == Array(backward.reversed()))
        let other = FirstPassFixtures.simulator(seed: 2)
        #expect(
            forward != references.enumerated().map { other.simulate(reference: $1, utteranceID: "u\($0)") })
    }

    @Test("lists are sorted, distinct, at most N long, with total = acoustic + λ·LM", arguments: [1, 5, 10])
    func coherentScores(n: Int) {
        let simulator = FirstPassFixtures.simulator { $0.listSize = n }
        for (index, reference) in FirstPassFixtures.sentences.enumerated() {
            let list = simulator.simulate(reference: reference, utteranceID: "s\(index)").list
            #expect(!list.hypotheses.isEmpty && list.hypotheses.count <= n)
            #expect(Set(list.hypotheses.map(\.text)).count == list.hypotheses.count)
            #expect(
                zip(list.hypotheses, list.hypotheses.dropFirst()).allSatisfy {
                    $0.totalScore >= $1.totalScore
                })
            for hypothesis in list.hypotheses {
                #expect(
                    abs(hypothesis.totalScore - (hypothesis.acousticScore + 0.5 * hypothesis.lmScore)) < 1e-9)
                let lm = hypothesis.words.reduce(0.0) { $0 + model.frequencies.logProbability(of: $1) }
                #expect(abs(hypothesis.lmScore - lm) < 1e-9)
                let confidence = try! #require(hypothesis.confidence)
                #expect((0...1).contains(confidence))
            }
        }
    }

    @Test(
        "without noise or bias the reference has the best acoustic score and closer words beat farther ones")
    func acousticPenalisesDistance() throws {
        let simulator = FirstPassFixtures.simulator {
            $0.targetWER = nil
            $0.errorShift = 0
            $0.noiseScale = 1e-6
            $0.deletionBias = 0
            $0.insertionBias = 0
            $0.splitMergeBias = 0
            $0.lmWeight = 0
            $0.listSize = 30
        }
        let record = simulator.simulate(reference: "the bat went", utteranceID: "x")
        let reference = try #require(record.list.hypotheses.first { $0.text == "the bat went" })
        #expect(record.list.best?.text == "the bat went")
        for hypothesis in record.list.hypotheses {
            #expect(hypothesis.acousticScore <= reference.acousticScore + 1e-3)
        }
        let pat = try #require(record.list.hypotheses.first { $0.text == "the pat went" })
        let cat = try #require(record.list.hypotheses.first { $0.text == "the cat went" })
        #expect(pat.acousticScore > cat.acousticScore)
    }

    @Test("measured 1-best WER is close to the target", arguments: [0.05, 0.15, 0.3])
    func targetWER(target: Double) throws {
        let simulator = FirstPassFixtures.simulator { $0.targetWER = target }
        let records = FirstPassFixtures.randomSentences(300, length: 10, seed: 11).enumerated().map {
            simulator.simulate(reference: $1, utteranceID: "w\($0)")
        }
        let profile = try ErrorProfile.measure(records, lexicon: model.lexicon)
        #expect(abs(profile.oneBestWER - target) < max(0.02, target * 0.2), "measured \(profile.oneBestWER)")
    }

    @Test("zero target WER gives the reference as 1-best")
    func zeroWER() {
        let simulator = FirstPassFixtures.simulator { $0.targetWER = 0 }
        for (index, sentence) in FirstPassFixtures.sentences.enumerated() {
            #expect(
                simulator.simulate(reference: sentence, utteranceID: "z\(index)").list.best?.text == sentence)
        }
    }

    @Test("the reference-in-list rate is honoured when the 1-best is wrong", arguments: [0.0, 0.5, 1.0])
    func referenceInList(rate: Double) throws {
        let simulator = FirstPassFixtures.simulator {
            $0.targetWER = 0.3
            $0.referenceInListRate = rate
            $0.referenceRankDecay = 0
        }
        var wrong = 0
        var present = 0
        for (index, sentence) in FirstPassFixtures.randomSentences(200, length: 10, seed: 3).enumerated() {
            let list = simulator.simulate(reference: sentence, utteranceID: "r\(index)").list
            guard list.best?.text != sentence else { continue }
            wrong += 1
            if let rank = list.hypotheses.firstIndex(where: { $0.text == sentence }) {
                present += 1
                #expect(rank >= 1)
                #expect(list.hypotheses[0].totalScore >= list.hypotheses[1].totalScore)
                #expect(
                    abs(
                        list.hypotheses[1].totalScore
                            - (list.hypotheses[1].acousticScore + 0.5 * list.hypotheses[1].lmScore)) < 1e-9)
            }
        }
        #expect(wrong > 100)
        #expect(abs(Double(present) / Double(wrong) - rate) < 0.1)
    }

    @Test("splits and merges come from the lexicon: into ↔ in to")
    func splitsAndMerges() {
        let simulator = FirstPassFixtures.simulator {
            $0.targetWER = 0.3
            $0.splitMergeBias = 4
            $0.listSize = 20
        }
        let split = (0..<20).flatMap {
            simulator.simulate(reference: "went into the house", utteranceID: "s\($0)").list.hypotheses
        }
        #expect(split.contains { $0.text.contains("in to") })
        let merge = (0..<20).flatMap {
            simulator.simulate(reference: "went in to the house", utteranceID: "m\($0)").list.hypotheses
        }
        #expect(merge.contains { $0.text.contains("into") })
    }

    @Test("deletions hit mostly short words")
    func deletionsAreShort() {
        let simulator = FirstPassFixtures.simulator {
            $0.targetWER = 0.3
            $0.deletionBias = 3
        }
        var aligner = WordAligner()
        var short = 0
        var long = 0
        for (index, sentence) in FirstPassFixtures.randomSentences(200, length: 10, seed: 8).enumerated() {
            let best = simulator.simulate(reference: sentence, utteranceID: "d\(index)").list.best!.text
            for word in aligner.align(reference: sentence, hypothesis: best).words
            where word.operation == .deletion {
                if (model.primaryPhones(of: word.reference!)?.count ?? 9) <= 2 {
                    short += 1
                } else {
                    long += 1
                }
            }
        }
        #expect(short > 2 * long, "short \(short), long \(long)")
    }

    @Test("bad parameters are typed errors naming the field")
    func validation() {
        for (configure, field) in [
            ({ (p: inout SimulatorParameters) in p.listSize = 0 }, "listSize"),
            ({ (p: inout SimulatorParameters) in p.targetWER = 1.5 }, "targetWER"),
            ({ (p: inout SimulatorParameters) in p.noiseScale = 0 }, "noiseScale"),
            ({ (p: inout SimulatorParameters) in p.referenceInListRate = -0.1 }, "referenceInListRate"),
        ] {
            var parameters = SimulatorParameters()
            configure(&parameters)
            let error = #expect(throws: SimulationError.self) {
                try NBestSimulator(model: model, parameters: parameters, seed: 1)
            }
            #expect(error?.code == .invalidParameter)
            #expect(error?.message.contains(field) == true)
        }
    }

    @Test("words missing from the lexicon are kept or deleted, never crash")
    func unknownWords() {
        let simulator = FirstPassFixtures.simulator { $0.targetWER = 0.2 }
        let list = simulator.simulate(reference: "Zyxwv the CAT, qwerty!", utteranceID: "oov").list
        #expect(!list.hypotheses.isEmpty)
        #expect(simulator.simulate(reference: "", utteranceID: "empty").list.hypotheses.map(\.text) == [""])
    }
}
