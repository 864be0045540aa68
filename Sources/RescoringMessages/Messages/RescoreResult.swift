import CRescoringProtos

/// `secondpass.rescoring.v1.RescoreResult`: the reranked list for one request.
public struct RescoreResult: ProtoMessage {
    public var utteranceID: String
    public var sessionID: String
    public var sequenceNumber: UInt64
    public var kind: ResultKind
    /// Hypotheses in the new ranking, best first.
    public var hypotheses: [ScoredHypothesis]
    /// `originalIndex` of the chosen (best fused) hypothesis.
    public var chosenIndex: UInt32
    public var adapter: String
    public var modelID: String
    /// Time spent waiting for a batch slot, microseconds.
    public var queueTimeMicroseconds: UInt64
    /// Time spent computing LM scores, microseconds.
    public var computeTimeMicroseconds: UInt64
    /// Which replica answered.
    public var replicaID: String
    /// The fusion weights actually used.
    public var fusion: FusionWeights?

    public init(
        utteranceID: String = "", sessionID: String = "", sequenceNumber: UInt64 = 0,
        kind: ResultKind = .unspecified, hypotheses: [ScoredHypothesis] = [], chosenIndex: UInt32 = 0,
        adapter: String = "", modelID: String = "", queueTimeMicroseconds: UInt64 = 0,
        computeTimeMicroseconds: UInt64 = 0, replicaID: String = "", fusion: FusionWeights? = nil
    ) {
        self.utteranceID = utteranceID
        self.sessionID = sessionID
        self.sequenceNumber = sequenceNumber
        self.kind = kind
        self.hypotheses = hypotheses
        self.chosenIndex = chosenIndex
        self.adapter = adapter
        self.modelID = modelID
        self.queueTimeMicroseconds = queueTimeMicroseconds
        self.computeTimeMicroseconds = computeTimeMicroseconds
        self.replicaID = replicaID
        self.fusion = fusion
    }

    public static var protoDescriptor: ProtoMessageDescriptor {
        ProtoMessageDescriptor(
            initialising: Secondpass__Rescoring__V1__RescoreResult(),
            with: secondpass__rescoring__v1__rescore_result__init)
    }

    public init(fields: ProtoFields) throws {
        utteranceID = try fields.scalar("utterance_id")
        sessionID = try fields.scalar("session_id")
        sequenceNumber = try fields.scalar("sequence_number")
        kind = try fields.enumeration("kind")
        hypotheses = try fields.messages("hypotheses")
        chosenIndex = try fields.scalar("chosen_index")
        adapter = try fields.scalar("adapter")
        modelID = try fields.scalar("model_id")
        queueTimeMicroseconds = try fields.scalar("queue_time_us")
        computeTimeMicroseconds = try fields.scalar("compute_time_us")
        replicaID = try fields.scalar("replica_id")
        fusion = try fields.message("fusion")
    }

    public var fields: ProtoFields {
        var fields = ProtoFields(for: Self.self)
        fields.set("utterance_id", utteranceID)
        fields.set("session_id", sessionID)
        fields.set("sequence_number", sequenceNumber)
        fields.set("kind", kind)
        fields.set("hypotheses", hypotheses)
        fields.set("chosen_index", chosenIndex)
        fields.set("adapter", adapter)
        fields.set("model_id", modelID)
        fields.set("queue_time_us", queueTimeMicroseconds)
        fields.set("compute_time_us", computeTimeMicroseconds)
        fields.set("replica_id", replicaID)
        fields.set("fusion", fusion)
        return fields
    }
}
