import CRescoringProtos

/// `secondpass.rescoring.v1.ListAdaptersResponse`: the loaded adapters.
public struct ListAdaptersResponse: ProtoMessage {
    public var adapters: [AdapterInfo]

    public init(
        adapters: [AdapterInfo] = []
    ) {
        self.adapters = adapters
    }

    public static var protoDescriptor: ProtoMessageDescriptor {
        ProtoMessageDescriptor(
            initialising: Secondpass__Rescoring__V1__ListAdaptersResponse(),
            with: secondpass__rescoring__v1__list_adapters_response__init)
    }

    public init(fields: ProtoFields) throws {
        adapters = try fields.messages("adapters")
    }

    public var fields: ProtoFields {
        var fields = ProtoFields(for: Self.self)
        fields.set("adapters", adapters)
        return fields
    }
}
