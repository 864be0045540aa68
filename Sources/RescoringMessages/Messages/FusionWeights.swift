import CRescoringProtos

/// `secondpass.rescoring.v1.FusionWeights`: weights of the log-linear score fusion.
///
/// fused = firstPassWeight * total_score + lmWeight * lm_log_prob + lengthBonus * words.
public struct FusionWeights: ProtoMessage {
    public var firstPassWeight: Double
    public var lmWeight: Double
    public var lengthBonus: Double

    public init(
        firstPassWeight: Double = 0, lmWeight: Double = 0, lengthBonus: Double = 0
    ) {
        self.firstPassWeight = firstPassWeight
        self.lmWeight = lmWeight
        self.lengthBonus = lengthBonus
    }

    public static var protoDescriptor: ProtoMessageDescriptor {
        ProtoMessageDescriptor(
            initialising: Secondpass__Rescoring__V1__FusionWeights(),
            with: secondpass__rescoring__v1__fusion_weights__init)
    }

    public init(fields: ProtoFields) throws {
        firstPassWeight = try fields.scalar("first_pass_weight")
        lmWeight = try fields.scalar("lm_weight")
        lengthBonus = try fields.scalar("length_bonus")
    }

    public var fields: ProtoFields {
        var fields = ProtoFields(for: Self.self)
        fields.set("first_pass_weight", firstPassWeight)
        fields.set("lm_weight", lmWeight)
        fields.set("length_bonus", lengthBonus)
        return fields
    }
}
