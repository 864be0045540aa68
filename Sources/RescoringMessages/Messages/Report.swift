import CRescoringProtos

/// `secondpass.rescoring.v1.Report`: a run's figures per condition and its robustness.
public struct Report: ProtoMessage {
    public var runID: String
    public var conditions: [ConditionReport]
    public var robustness: [RobustnessReport]
    public var records: UInt64
    public var generatedAtUnixMilliseconds: Int64

    public init(
        runID: String = "", conditions: [ConditionReport] = [], robustness: [RobustnessReport] = [],
        records: UInt64 = 0, generatedAtUnixMilliseconds: Int64 = 0
    ) {
        self.runID = runID
        self.conditions = conditions
        self.robustness = robustness
        self.records = records
        self.generatedAtUnixMilliseconds = generatedAtUnixMilliseconds
    }

    public static var protoDescriptor: ProtoMessageDescriptor {
        ProtoMessageDescriptor(
            initialising: Secondpass__Rescoring__V1__Report(), with: secondpass__rescoring__v1__report__init)
    }

    public init(fields: ProtoFields) throws {
        runID = try fields.scalar("run_id")
        conditions = try fields.messages("conditions")
        robustness = try fields.messages("robustness")
        records = try fields.scalar("records")
        generatedAtUnixMilliseconds = try fields.scalar("generated_at_unix_ms")
    }

    public var fields: ProtoFields {
        var fields = ProtoFields(for: Self.self)
        fields.set("run_id", runID)
        fields.set("conditions", conditions)
        fields.set("robustness", robustness)
        fields.set("records", records)
        fields.set("generated_at_unix_ms", generatedAtUnixMilliseconds)
        return fields
    }
}
