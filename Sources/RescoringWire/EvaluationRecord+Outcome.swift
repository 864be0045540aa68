public import Evaluation
import NBest
public import RescoringMessages

/// The one wire↔domain conversion of `EvaluationRecord`, beside every other conversion so the
/// aggregator and any client read records the same way.
extension UtteranceOutcome {
    /// The outcome a wire record describes, or why the record cannot be stored.
    ///
    /// A record must name its run, condition, utterance and reference; carry the FINAL
    /// first-pass list the rescorer received (an empty list stands for one empty hypothesis)
    /// and the FINAL rescored result for it; and its chosen index must point into that list.
    /// The first-pass 1-best is the list's highest `total_score` (`UtteranceOutcome(…firstPass:)`),
    /// and the chosen text is the rescored hypothesis at the chosen index, or the first-pass text
    /// there when the result lists no hypotheses.
    /// - Throws: `RecordRejection` with one line naming the first problem found.
    public init(validating record: EvaluationRecord) throws(RecordRejection) {
        func reject(_ reason: String) -> RecordRejection { RecordRejection(record: record, reason: reason) }
        guard !record.runID.isEmpty else { throw reject("run_id is empty") }
        guard !record.condition.isEmpty else { throw reject("condition is empty") }
        guard !record.utteranceID.isEmpty else { throw reject("utterance_id is empty") }
        guard !record.reference.isEmpty else { throw reject("reference is missing") }
        guard let firstPass = record.firstPass else { throw reject("first_pass is missing") }
        guard let rescored = record.rescored else { throw reject("rescored is missing") }
        guard firstPass.kind == .final else {
            throw reject(
                "first_pass.kind is \(firstPass.kind.protoNumber), not FINAL: only final lists are evaluated")
        }
        guard rescored.kind == .final else {
            throw reject(
                "rescored.kind is \(rescored.kind.protoNumber), not FINAL: only final results are evaluated")
        }
        for (name, id) in [("first_pass", firstPass.utteranceID), ("rescored", rescored.utteranceID)]
        where !id.isEmpty && id != record.utteranceID {
            throw reject("\(name).utterance_id '\(id)' differs from the record's '\(record.utteranceID)'")
        }
        let listSize = max(firstPass.hypotheses.count, 1)
        let chosen = Int(rescored.chosenIndex)
        guard chosen < listSize else {
            throw reject("rescored.chosen_index \(chosen) is outside the first-pass list of \(listSize)")
        }
        let list: NBestList
        do {
            list = try NBestList(firstPass)
        } catch {
            throw reject("first_pass: \(error)")
        }
        let texts = firstPass.hypotheses.isEmpty ? [""] : firstPass.hypotheses.map(\.text)
        let chosenText = rescored.hypotheses.first { Int($0.originalIndex) == chosen }?.text ?? texts[chosen]
        var named = list
        named.utteranceID = record.utteranceID
        self.init(
            run: record.runID, condition: record.condition, reference: record.reference, firstPass: named,
            chosenIndex: chosen, chosenText: chosenText)
    }
}

/// Why one `EvaluationRecord` was not stored; counted in `RecordSummary.rejected`.
public struct RecordRejection: Error, Sendable, CustomStringConvertible {
    /// `run/condition/utterance` as sent (parts may be empty).
    public var key: String
    public var reason: String

    public init(record: EvaluationRecord, reason: String) {
        self.key = "\(record.runID)/\(record.condition)/\(record.utteranceID)"
        self.reason = reason
    }

    public var description: String { "\(key): \(reason)" }
}
