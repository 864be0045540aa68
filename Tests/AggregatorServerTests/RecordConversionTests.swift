import AggregatorServer
import Evaluation
import RescoringMessages
import RescoringWire
import Testing

@Suite("EvaluationRecord → UtteranceOutcome")
struct RecordConversionTests {
    @Test("a complete record becomes the outcome it describes")
    func completeRecord() throws {
        let outcome = try UtteranceOutcome(validating: Records.record(run: "r", condition: "clean", index: 1))
        #expect(outcome.run == "r")
        #expect(outcome.condition == "clean")
        #expect(outcome.utteranceID == "utt-001")
        #expect(outcome.firstPassTexts.count == 3)
        #expect(outcome.firstPassBestIndex == 0)
        #expect(outcome.chosenIndex == 1)
        #expect(outcome.chosenText == Records.sentences[1])
    }

    /// Ways to break a record, each with the words its rejection reason must contain.
    enum Breakage: String, CaseIterable, Sendable {
        case noRun, noCondition, noUtterance, noReference, noFirstPass, noRescored, partialResult,
            chosenOutOfRange,
            mismatchedUtterance

        var reason: String {
            switch self {
            case .noRun: "run_id is empty"
            case .noCondition: "condition is empty"
            case .noUtterance: "utterance_id is empty"
            case .noReference: "reference is missing"
            case .noFirstPass: "first_pass is missing"
            case .noRescored: "rescored is missing"
            case .partialResult: "not FINAL"
            case .chosenOutOfRange: "outside the first-pass list of 3"
            case .mismatchedUtterance: "differs from the record's"
            }
        }

        func apply(to record: inout EvaluationRecord) {
            switch self {
            case .noRun: record.runID = ""
            case .noCondition: record.condition = ""
            case .noUtterance: record.utteranceID = ""
            case .noReference: record.reference = ""
            case .noFirstPass: record.firstPass = nil
            case .noRescored: record.rescored = nil
            case .partialResult: record.rescored?.kind = .partial
            case .chosenOutOfRange: record.rescored?.chosenIndex = 3
            case .mismatchedUtterance: record.firstPass?.utteranceID = "other"
            }
        }
    }

    @Test("an incomplete or inconsistent record is refused with its reason", arguments: Breakage.allCases)
    func refused(breakage: Breakage) {
        var record = Records.record(run: "r", condition: "clean", index: 2)
        breakage.apply(to: &record)
        #expect {
            try UtteranceOutcome(validating: record)
        } throws: { error in
            (error as? RecordRejection)?.reason.contains(breakage.reason) == true
        }
    }

    @Test("an empty first-pass list stands for one empty hypothesis")
    func emptyList() throws {
        var record = Records.record(run: "r", condition: "clean", index: 0, chosen: 0)
        record.firstPass?.hypotheses = []
        record.rescored?.hypotheses = []
        let outcome = try UtteranceOutcome(validating: record)
        #expect(outcome.firstPassTexts == [""])
        #expect(outcome.chosenText == "")
    }
}
