import CRescoringProtos

/// `secondpass.rescoring.v1.NBestList`: an N-best list for one utterance, best first.
///
/// Named `NBestListMessage` so it does not clash with the domain type `NBest.NBestList`.
public struct NBestListMessage: ProtoMessage {
    public var utteranceID: String
    public var sessionID: String
    /// Increases by one for every list sent in a session (partials and finals alike).
    public var sequenceNumber: UInt64
    public var kind: ResultKind
    /// For partials: probability in [0, 1] that the current prefix will not be revised.
    public var stability: Float
    public var hypotheses: [HypothesisMessage]

    public init(
        utteranceID: String = "", sessionID: String = "", sequenceNumber: UInt64 = 0,
        kind: ResultKind = .unspecified, stability: Float = 0, hypotheses: [HypothesisMessage] = []
    ) {
        self.utteranceID = utteranceID
        self.sessionID = sessionID
        self.sequenceNumber = sequenceNumber
        self.kind = kind
        self.stability = stability
        self.hypotheses = hypotheses
    }

    public static var protoDescriptor: ProtoMessageDescriptor {
        ProtoMessageDescriptor(
            initialising: Secondpass__Rescoring__V1__NBestList(),
            with: secondpass__rescoring__v1__nbest_list__init)
    }

    public init(fields: ProtoFields) throws {
        utteranceID = try fields.scalar("utterance_id")
        sessionID = try fields.scalar("session_id")
        sequenceNumber = try fields.scalar("sequence_number")
        kind = try fields.enumeration("kind")
        stability = try fields.scalar("stability")
        hypotheses = try fields.messages("hypotheses")
    }

    public var fields: ProtoFields {
        var fields = ProtoFields(for: Self.self)
        fields.set("utterance_id", utteranceID)
        fields.set("session_id", sessionID)
        fields.set("sequence_number", sequenceNumber)
        fields.set("kind", kind)
        fields.set("stability", stability)
        fields.set("hypotheses", hypotheses)
        return fields
    }
}
