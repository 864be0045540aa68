import CRescoringProtos

/// `secondpass.rescoring.v1.Hypothesis`: one first-pass hypothesis on the wire.
///
/// Scores are natural-log values, higher is better. Named `HypothesisMessage` so it does not
/// clash with the domain type `NBest.Hypothesis`.
public struct HypothesisMessage: ProtoMessage {
    public var text: String
    public var tokenIDs: [Int32]
    public var totalScore: Double
    public var acousticScore: Double
    public var lmScore: Double
    /// The `confidence_value` oneof: posterior confidence in [0, 1], `nil` when not provided.
    public var confidence: Double?

    public init(
        text: String = "", tokenIDs: [Int32] = [], totalScore: Double = 0, acousticScore: Double = 0,
        lmScore: Double = 0, confidence: Double? = nil
    ) {
        self.text = text
        self.tokenIDs = tokenIDs
        self.totalScore = totalScore
        self.acousticScore = acousticScore
        self.lmScore = lmScore
        self.confidence = confidence
    }

    public static var protoDescriptor: ProtoMessageDescriptor {
        ProtoMessageDescriptor(
            initialising: Secondpass__Rescoring__V1__Hypothesis(),
            with: secondpass__rescoring__v1__hypothesis__init)
    }

    public init(fields: ProtoFields) throws {
        text = try fields.scalar("text")
        tokenIDs = try fields.scalars("token_ids")
        totalScore = try fields.scalar("total_score")
        acousticScore = try fields.scalar("acoustic_score")
        lmScore = try fields.scalar("lm_score")
        confidence = try fields.optionalScalar("confidence")
    }

    public var fields: ProtoFields {
        var fields = ProtoFields(for: Self.self)
        fields.set("text", text)
        fields.set("token_ids", tokenIDs)
        fields.set("total_score", totalScore)
        fields.set("acoustic_score", acousticScore)
        fields.set("lm_score", lmScore)
        fields.set("confidence", confidence)
        return fields
    }
}
