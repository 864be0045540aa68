import CRescoringProtos

/// `secondpass.rescoring.v1.ReportRequest`: asks for a run's report.
public struct ReportRequest: ProtoMessage {
    public var runID: String
    /// The condition relative figures are computed against; empty means "clean".
    public var cleanCondition: String

    public init(
        runID: String = "", cleanCondition: String = ""
    ) {
        self.runID = runID
        self.cleanCondition = cleanCondition
    }

    public static var protoDescriptor: ProtoMessageDescriptor {
        ProtoMessageDescriptor(
            initialising: Secondpass__Rescoring__V1__ReportRequest(),
            with: secondpass__rescoring__v1__report_request__init)
    }

    public init(fields: ProtoFields) throws {
        runID = try fields.scalar("run_id")
        cleanCondition = try fields.scalar("clean_condition")
    }

    public var fields: ProtoFields {
        var fields = ProtoFields(for: Self.self)
        fields.set("run_id", runID)
        fields.set("clean_condition", cleanCondition)
        return fields
    }
}
