import CRescoringProtos

/// `secondpass.rescoring.v1.LoadAdapterRequest`: loads an adapter directory under a name.
public struct LoadAdapterRequest: ProtoMessage {
    public var name: String
    /// Directory holding adapter_config.json and adapter_model.safetensors, on the server.
    public var path: String

    public init(
        name: String = "", path: String = ""
    ) {
        self.name = name
        self.path = path
    }

    public static var protoDescriptor: ProtoMessageDescriptor {
        ProtoMessageDescriptor(
            initialising: Secondpass__Rescoring__V1__LoadAdapterRequest(),
            with: secondpass__rescoring__v1__load_adapter_request__init)
    }

    public init(fields: ProtoFields) throws {
        name = try fields.scalar("name")
        path = try fields.scalar("path")
    }

    public var fields: ProtoFields {
        var fields = ProtoFields(for: Self.self)
        fields.set("name", name)
        fields.set("path", path)
        return fields
    }
}
