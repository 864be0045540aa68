import CRescoringProtos

/// `secondpass.rescoring.v1.EvaluationRecord`: one utterance's outcome under one condition.
///
/// (runID, condition, utteranceID) is the idempotency key: a record sent twice is counted once.
public struct EvaluationRecord: ProtoMessage {
    public var runID: String
    public var utteranceID: String
    /// e.g. "clean", "homophone-1best:p=0.15", "nbest:p=0.1".
    public var condition: String
    public var reference: String
    public var firstPass: NBestListMessage?
    public var rescored: RescoreResult?

    public init(
        runID: String = "", utteranceID: String = "", condition: String = "", reference: String = "",
        firstPass: NBestListMessage? = nil, rescored: RescoreResult? = nil
    ) {
        self.runID = runID
        self.utteranceID = utteranceID
        self.condition = condition
        self.reference = reference
        self.firstPass = firstPass
        self.rescored = rescored
    }

    public static var protoDescriptor: ProtoMessageDescriptor {
        ProtoMessageDescriptor(
            initialising: Secondpass__Rescoring__V1__EvaluationRecord(),
            with: secondpass__rescoring__v1__evaluation_record__init)
    }

    public init(fields: ProtoFields) throws {
        runID = try fields.scalar("run_id")
        utteranceID = try fields.scalar("utterance_id")
        condition = try fields.scalar("condition")
        reference = try fields.scalar("reference")
        firstPass = try fields.message("first_pass")
        rescored = try fields.message("rescored")
    }

    public var fields: ProtoFields {
        var fields = ProtoFields(for: Self.self)
        fields.set("run_id", runID)
        fields.set("utterance_id", utteranceID)
        fields.set("condition", condition)
        fields.set("reference", reference)
        fields.set("first_pass", firstPass)
        fields.set("rescored", rescored)
        return fields
    }
}
