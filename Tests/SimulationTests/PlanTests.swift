import FirstPass
import Foundation
import NBest
import Phonetics
import Simulation
import Testing

@Suite("Conditions, sources and plans")
struct PlanTests {
    @Test("conditions parse to the names Docs/metrics.md reads families from")
    func conditions() throws {
        let parsed = try SimulationCondition.parseList(
            "clean,homophone-1best:p=0.15,homophone-twin:p=0.15,nbest:p=0.1")
        #expect(
            parsed.map(\.name) == ["clean", "homophone-1best:p=0.15", "homophone-twin:p=0.15", "nbest:p=0.1"])
        #expect(parsed.map { $0.perturbation?.mode } == [nil, .oneBest, .twin, .nBest])
        #expect(try SimulationCondition(parsing: "nbest:p=1").name == "nbest:p=1")
    }

    @Test(
        "bad conditions are refused with the reason",
        arguments: [
            "", "loud", "nbest", "nbest:p=0", "nbest:p=1.5", "nbest:q=0.1", "clean:p=0.1", "clean,clean",
        ])
    func badConditions(text: String) {
        #expect(throws: SimulationCondition.ParseError.self) { try SimulationCondition.parseList(text) }
    }

    @Test("sources parse; a missing file is named in the error")
    func sources() throws {
        #expect(try UtteranceSource(parsing: "split:austen/test") == .split(name: "austen/test"))
        #expect(try UtteranceSource(parsing: "replay:x.jsonl") == .replay(path: "x.jsonl"))
        #expect(throws: SimulationSetupError.self) { try UtteranceSource(parsing: "austen") }
        #expect(throws: SimulationSetupError.self) { try UtteranceSource(parsing: "mp3:x") }
        let error = #expect(throws: SimulationSetupError.self) {
            try UtteranceSource.text(path: "/no/such/file.txt").load(limit: nil)
        }
        #expect(error?.message.contains("/no/such/file.txt") == true)
    }

    @Test("text sources keep sentences of 4 to 24 words, numbered by file stem, up to the limit")
    func textSource() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("plan-test-\(getpid()).txt")
        defer { try? FileManager.default.removeItem(at: file) }
        try "too short\nthe cat sat on the mat\n\nshe saw the sea and the sky\nand one more line here\n"
            .write(
                to: file, atomically: true, encoding: .utf8)
        let utterances = try UtteranceSource.text(path: file.path).load(limit: 2)
        #expect(utterances.map(\.reference) == ["the cat sat on the mat", "she saw the sea and the sky"])
        #expect(utterances[0].id == "plan-test-\(getpid())-0001")
    }

    static let homophones = HomophoneIndex(
        lexicon: Lexicon(entries: [
            "see": [Pronunciation(phones: [.s, .iy])], "sea": [Pronunciation(phones: [.s, .iy])],
        ]),
        frequencies: WordFrequencies(counts: ["see": 5, "sea": 5]))

    static func replayed() -> SourceUtterance {
        let partial = NBestList(
            utteranceID: "r1", kind: .partial, stability: 0.5,
            hypotheses: [Hypothesis(text: "i see", totalScore: -1)])
        let final = NBestList(
            utteranceID: "r1", kind: .final,
            hypotheses: [
                Hypothesis(text: "i see the sea", totalScore: -2),
                Hypothesis(text: "i see this sea", totalScore: -3),
            ])
        return SourceUtterance(
            id: "r1", reference: "i see the sea", recorded: RecordedLists(partials: [partial], final: final))
    }

    @Test("plans carry the condition as session, perturb only the final list, and number the lists")
    func plans() throws {
        let conditions = try SimulationCondition.parseList("clean,homophone-1best:p=1,homophone-twin:p=1")
        let builder = PlanBuilder(simulator: nil, homophones: Self.homophones, partials: true, seed: 3)
        let plans = try builder.plans(for: [Self.replayed()], conditions: conditions)
        #expect(plans.map(\.key.condition) == conditions.map(\.name))
        let clean = plans[0]
        #expect(clean.final.hypotheses.map(\.text) == ["i see the sea", "i see this sea"])
        #expect(clean.partials.count == 1)
        #expect(clean.lists.map(\.sequenceNumber) == [0, 1])
        #expect(clean.lists.allSatisfy { $0.sessionID == "clean" && $0.utteranceID == "r1" })
        let oneBest = plans[1]
        #expect(oneBest.final.hypotheses[0].text == "i sea the see")
        #expect(oneBest.final.hypotheses[1].text == "i see this sea")
        #expect(
            oneBest.partials
                == clean.partials.map {
                    var list = $0
                    list.sessionID = oneBest.key.condition
                    return list
                })
        let twin = plans[2]
        #expect(twin.final.hypotheses.map(\.text).prefix(2) == ["i see the sea", "i sea the see"])
        // Perturbations are seeded: building again gives the same lists.
        #expect(try builder.plans(for: [Self.replayed()], conditions: conditions) == plans)
    }

    @Test("without partials only the final list is sent; perturbed conditions need a homophone index")
    func noPartials() throws {
        let plans = try PlanBuilder(simulator: nil, homophones: nil, partials: false, seed: 1)
            .plans(for: [Self.replayed()], conditions: [.clean])
        #expect(plans[0].lists.count == 1)
        #expect(plans[0].final.sequenceNumber == 0)
        #expect(throws: SimulationSetupError.self) {
            try PlanBuilder(simulator: nil, homophones: nil, partials: false, seed: 1)
                .plans(for: [Self.replayed()], conditions: [.nBest(rate: 0.5)])
        }
    }
}
