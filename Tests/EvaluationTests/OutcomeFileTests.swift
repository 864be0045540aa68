import Foundation
import NBest
import Testing

@testable import Evaluation

@Suite("Outcome JSON Lines")
struct OutcomeFileTests {
    private let outcome = UtteranceOutcome(
        run: "r", condition: "clean", utteranceID: "u1", reference: "a b", firstPassTexts: ["a b", "a c"],
        chosenIndex: 1, chosenText: "a c")

    @Test func roundTripsAndSkipsBlankLines() throws {
        var set = OutcomeSet()
        try set.insert(outcome)
        var other = outcome
        other.utteranceID = "u2"
        try set.insert(other)
        let data = try set.jsonLines()
        let withBlanks = Data("\n".utf8) + data + Data("  \n".utf8)
        #expect(try OutcomeSet(jsonLines: withBlanks) == set)
    }

    @Test func errorsNameTheLine() throws {
        let good = try JSONEncoder().encode(outcome)
        var bad = outcome
        bad.chosenIndex = 5
        let lines = [good, Data("{\"run\": 1}".utf8)]
        #expect {
            try OutcomeSet(jsonLines: Data(lines.joined(separator: Data("\n".utf8))))
        } throws: { error in
            guard let error = error as? EvaluationError else { return false }
            return error.code == .malformedInput && error.message.hasPrefix("line 2:")
        }
        let badIndex = [good, good, try JSONEncoder().encode(bad)]
        #expect {
            try OutcomeSet(jsonLines: Data(badIndex.joined(separator: Data("\n".utf8))))
        } throws: { error in
            guard let error = error as? EvaluationError else { return false }
            return error.code == .indexOutOfRange && error.message.hasPrefix("line 3:")
        }
    }
}

@Suite("Outcomes from N-best lists")
struct OutcomeFromNBestTests {
    @Test func bestIsHighestScoreEarliestOnTies() throws {
        let list = NBestList(
            utteranceID: "u9",
            hypotheses: [
                Hypothesis(text: "a b", totalScore: -5), Hypothesis(text: "a c", totalScore: -3),
                Hypothesis(text: "a d", totalScore: -3),
            ])
        let outcome = UtteranceOutcome(
            run: "r", condition: "clean", reference: "a b", firstPass: list, chosenIndex: 0, chosenText: "a b"
        )
        #expect(outcome.utteranceID == "u9")
        #expect(outcome.firstPassBestIndex == 1)
        #expect(outcome.firstPassBestText == "a c")
        try outcome.validate()
    }

    @Test func emptyListBecomesOneEmptyHypothesis() throws {
        let outcome = UtteranceOutcome(
            run: "r", condition: "clean", reference: "a",
            firstPass: NBestList(utteranceID: "e", hypotheses: []),
            chosenIndex: 0, chosenText: "")
        #expect(outcome.firstPassTexts == [""])
        try outcome.validate()
    }
}
