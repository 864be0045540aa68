import CRescoringProtos

/// `secondpass.rescoring.v1.LoadAdapterResponse`: the adapter as loaded.
public struct LoadAdapterResponse: ProtoMessage {
    public var adapter: AdapterInfo?

    public init(
        adapter: AdapterInfo? = nil
    ) {
        self.adapter = adapter
    }

    public static var protoDescriptor: ProtoMessageDescriptor {
        ProtoMessageDescriptor(
            initialising: Secondpass__Rescoring__V1__LoadAdapterResponse(),
            with: secondpass__rescoring__v1__load_adapter_response__init)
    }

    public init(fields: ProtoFields) throws {
        adapter = try fields.message("adapter")
    }

    public var fields: ProtoFields {
        var fields = ProtoFields(for: Self.self)
        fields.set("adapter", adapter)
        return fields
    }
}
