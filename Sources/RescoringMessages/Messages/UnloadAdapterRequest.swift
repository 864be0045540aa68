import CRescoringProtos

/// `secondpass.rescoring.v1.UnloadAdapterRequest`: unloads a named adapter.
public struct UnloadAdapterRequest: ProtoMessage {
    public var name: String

    public init(
        name: String = ""
    ) {
        self.name = name
    }

    public static var protoDescriptor: ProtoMessageDescriptor {
        ProtoMessageDescriptor(
            initialising: Secondpass__Rescoring__V1__UnloadAdapterRequest(),
            with: secondpass__rescoring__v1__unload_adapter_request__init)
    }

    public init(fields: ProtoFields) throws {
        name = try fields.scalar("name")
    }

    public var fields: ProtoFields {
        var fields = ProtoFields(for: Self.self)
        fields.set("name", name)
        return fields
    }
}
