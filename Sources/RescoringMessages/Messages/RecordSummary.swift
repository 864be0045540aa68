import CRescoringProtos

/// `secondpass.rescoring.v1.RecordSummary`: what the aggregator did with a stream of records.
public struct RecordSummary: ProtoMessage {
    public var accepted: UInt64
    public var duplicates: UInt64
    public var rejected: UInt64
    /// The first few rejection reasons, for the client's log.
    public var errors: [String]

    public init(
        accepted: UInt64 = 0, duplicates: UInt64 = 0, rejected: UInt64 = 0, errors: [String] = []
    ) {
        self.accepted = accepted
        self.duplicates = duplicates
        self.rejected = rejected
        self.errors = errors
    }

    public static var protoDescriptor: ProtoMessageDescriptor {
        ProtoMessageDescriptor(
            initialising: Secondpass__Rescoring__V1__RecordSummary(),
            with: secondpass__rescoring__v1__record_summary__init)
    }

    public init(fields: ProtoFields) throws {
        accepted = try fields.scalar("accepted")
        duplicates = try fields.scalar("duplicates")
        rejected = try fields.scalar("rejected")
        errors = try fields.scalars("errors")
    }

    public var fields: ProtoFields {
        var fields = ProtoFields(for: Self.self)
        fields.set("accepted", accepted)
        fields.set("duplicates", duplicates)
        fields.set("rejected", rejected)
        fields.set("errors", errors)
        return fields
    }
}
