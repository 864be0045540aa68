import CRescoringProtos

/// `secondpass.rescoring.v1.ScoredHypothesis`: one hypothesis after rescoring (natural-log scores).
public struct ScoredHypothesis: ProtoMessage {
    /// Position of the hypothesis in the request's list.
    public var originalIndex: UInt32
    public var text: String
    public var firstPassScore: Double
    /// Sentence log-probability under the LM (with BOS and EOS).
    public var lmScore: Double
    public var fusedScore: Double
    public var tokenCount: UInt32

    public init(
        originalIndex: UInt32 = 0, text: String = "", firstPassScore: Double = 0, lmScore: Double = 0,
        fusedScore: Double = 0, tokenCount: UInt32 = 0
    ) {
        self.originalIndex = originalIndex
        self.text = text
        self.firstPassScore = firstPassScore
        self.lmScore = lmScore
        self.fusedScore = fusedScore
        self.tokenCount = tokenCount
    }

    public static var protoDescriptor: ProtoMessageDescriptor {
        ProtoMessageDescriptor(
            initialising: Secondpass__Rescoring__V1__ScoredHypothesis(),
            with: secondpass__rescoring__v1__scored_hypothesis__init)
    }

    public init(fields: ProtoFields) throws {
        originalIndex = try fields.scalar("original_index")
        text = try fields.scalar("text")
        firstPassScore = try fields.scalar("first_pass_score")
        lmScore = try fields.scalar("lm_score")
        fusedScore = try fields.scalar("fused_score")
        tokenCount = try fields.scalar("token_count")
    }

    public var fields: ProtoFields {
        var fields = ProtoFields(for: Self.self)
        fields.set("original_index", originalIndex)
        fields.set("text", text)
        fields.set("first_pass_score", firstPassScore)
        fields.set("lm_score", lmScore)
        fields.set("fused_score", fusedScore)
        fields.set("token_count", tokenCount)
        return fields
    }
}
