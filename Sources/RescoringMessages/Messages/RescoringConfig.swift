import CRescoringProtos

/// `secondpass.rescoring.v1.RescoringConfig`: how one request is rescored.
public struct RescoringConfig: ProtoMessage {
    /// Adapter name; empty means the base model without adapters.
    public var adapter: String
    /// Overrides the server's tuned fusion weights when present.
    public var fusion: FusionWeights?
    /// Rescore only the first N hypotheses; 0 means all.
    public var maxHypotheses: UInt32

    public init(
        adapter: String = "", fusion: FusionWeights? = nil, maxHypotheses: UInt32 = 0
    ) {
        self.adapter = adapter
        self.fusion = fusion
        self.maxHypotheses = maxHypotheses
    }

    public static var protoDescriptor: ProtoMessageDescriptor {
        ProtoMessageDescriptor(
            initialising: Secondpass__Rescoring__V1__RescoringConfig(),
            with: secondpass__rescoring__v1__rescoring_config__init)
    }

    public init(fields: ProtoFields) throws {
        adapter = try fields.scalar("adapter")
        fusion = try fields.message("fusion")
        maxHypotheses = try fields.scalar("max_hypotheses")
    }

    public var fields: ProtoFields {
        var fields = ProtoFields(for: Self.self)
        fields.set("adapter", adapter)
        fields.set("fusion", fusion)
        fields.set("max_hypotheses", maxHypotheses)
        return fields
    }
}
