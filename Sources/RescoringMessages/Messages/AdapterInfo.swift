import CRescoringProtos

/// `secondpass.rescoring.v1.AdapterInfo`: a loaded adapter as the rescorer reports it.
public struct AdapterInfo: ProtoMessage {
    public var name: String
    /// full, lora, adalora, dylora or warmup.
    public var strategy: String
    public var rank: UInt32
    public var targetModules: [String]
    public var trainableParameters: UInt64
    public var baseModelID: String
    public var merged: Bool

    public init(
        name: String = "", strategy: String = "", rank: UInt32 = 0, targetModules: [String] = [],
        trainableParameters: UInt64 = 0, baseModelID: String = "", merged: Bool = false
    ) {
        self.name = name
        self.strategy = strategy
        self.rank = rank
        self.targetModules = targetModules
        self.trainableParameters = trainableParameters
        self.baseModelID = baseModelID
        self.merged = merged
    }

    public static var protoDescriptor: ProtoMessageDescriptor {
        ProtoMessageDescriptor(
            initialising: Secondpass__Rescoring__V1__AdapterInfo(),
            with: secondpass__rescoring__v1__adapter_info__init)
    }

    public init(fields: ProtoFields) throws {
        name = try fields.scalar("name")
        strategy = try fields.scalar("strategy")
        rank = try fields.scalar("rank")
        targetModules = try fields.scalars("target_modules")
        trainableParameters = try fields.scalar("trainable_parameters")
        baseModelID = try fields.scalar("base_model_id")
        merged = try fields.scalar("merged")
    }

    public var fields: ProtoFields {
        var fields = ProtoFields(for: Self.self)
        fields.set("name", name)
        fields.set("strategy", strategy)
        fields.set("rank", rank)
        fields.set("target_modules", targetModules)
        fields.set("trainable_parameters", trainableParameters)
        fields.set("base_model_id", baseModelID)
        fields.set("merged", merged)
        return fields
    }
}
