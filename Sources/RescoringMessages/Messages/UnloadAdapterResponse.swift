import CRescoringProtos

/// `secondpass.rescoring.v1.UnloadAdapterResponse`: acknowledges an unload.
public struct UnloadAdapterResponse: ProtoMessage {
    public init() {}

    public static var protoDescriptor: ProtoMessageDescriptor {
        ProtoMessageDescriptor(
            initialising: Secondpass__Rescoring__V1__UnloadAdapterResponse(),
            with: secondpass__rescoring__v1__unload_adapter_response__init)
    }

    public init(fields: ProtoFields) throws {}

    public var fields: ProtoFields {
        ProtoFields(for: Self.self)
    }
}
