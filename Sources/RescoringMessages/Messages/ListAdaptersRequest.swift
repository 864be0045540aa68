import CRescoringProtos

/// `secondpass.rescoring.v1.ListAdaptersRequest`: asks for the loaded adapters.
public struct ListAdaptersRequest: ProtoMessage {
    public init() {}

    public static var protoDescriptor: ProtoMessageDescriptor {
        ProtoMessageDescriptor(
            initialising: Secondpass__Rescoring__V1__ListAdaptersRequest(),
            with: secondpass__rescoring__v1__list_adapters_request__init)
    }

    public init(fields: ProtoFields) throws {}

    public var fields: ProtoFields {
        ProtoFields(for: Self.self)
    }
}
