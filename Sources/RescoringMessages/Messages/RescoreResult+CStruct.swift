import CRescoringProtos

// Direct conversions of RescoreResult and ScoredHypothesis to and from their protobuf-c
// structs: every rescoring call answers with one, so they skip the field tree.

private typealias CScoredHypothesis = Secondpass__Rescoring__V1__ScoredHypothesis
private typealias CRescoreResult = Secondpass__Rescoring__V1__RescoreResult

extension ScoredHypothesis {
    public init(unpacked message: UnpackedCMessage) throws {
        let c = CStructReading.load(message, as: CScoredHypothesis.self)
        self.init(
            originalIndex: c.original_index, text: CStructReading.string(c.text),
            firstPassScore: c.first_pass_score, lmScore: c.lm_score, fusedScore: c.fused_score,
            tokenCount: c.token_count)
    }

    public func cMessage(in builder: CMessageBuilder) throws -> UnsafeMutableRawPointer {
        let c = builder.newStruct(secondpass__rescoring__v1__scored_hypothesis__init)
        c.pointee.original_index = originalIndex
        if let text = try builder.string(text, field: "text", of: Self.self) { c.pointee.text = text }
        c.pointee.first_pass_score = firstPassScore
        c.pointee.lm_score = lmScore
        c.pointee.fused_score = fusedScore
        c.pointee.token_count = tokenCount
        return UnsafeMutableRawPointer(c)
    }
}

extension RescoreResult {
    public init(unpacked message: UnpackedCMessage) throws {
        let c = CStructReading.load(message, as: CRescoreResult.self)
        self.init(
            utteranceID: CStructReading.string(c.utterance_id),
            sessionID: CStructReading.string(c.session_id),
            sequenceNumber: c.sequence_number,
            kind: ResultKind(protoNumber: CStructReading.enumNumber(c.kind)),
            hypotheses: try CStructReading.messages(
                c.hypotheses, count: c.n_hypotheses, as: ScoredHypothesis.self),
            chosenIndex: c.chosen_index, adapter: CStructReading.string(c.adapter),
            modelID: CStructReading.string(c.model_id), queueTimeMicroseconds: c.queue_time_us,
            computeTimeMicroseconds: c.compute_time_us, replicaID: CStructReading.string(c.replica_id),
            fusion: try CStructReading.message(c.fusion, as: FusionWeights.self))
    }

    public func cMessage(in builder: CMessageBuilder) throws -> UnsafeMutableRawPointer {
        let c = builder.newStruct(secondpass__rescoring__v1__rescore_result__init)
        if let id = try builder.string(utteranceID, field: "utterance_id", of: Self.self) {
            c.pointee.utterance_id = id
        }
        if let id = try builder.string(sessionID, field: "session_id", of: Self.self) {
            c.pointee.session_id = id
        }
        c.pointee.sequence_number = sequenceNumber
        c.pointee.kind = .init(rawValue: .init(truncatingIfNeeded: kind.protoNumber))
        c.pointee.n_hypotheses = hypotheses.count
        c.pointee.hypotheses = try builder.messages(hypotheses, as: CScoredHypothesis.self)
        c.pointee.chosen_index = chosenIndex
        if let name = try builder.string(adapter, field: "adapter", of: Self.self) {
            c.pointee.adapter = name
        }
        if let id = try builder.string(modelID, field: "model_id", of: Self.self) { c.pointee.model_id = id }
        c.pointee.queue_time_us = queueTimeMicroseconds
        c.pointee.compute_time_us = computeTimeMicroseconds
        if let id = try builder.string(replicaID, field: "replica_id", of: Self.self) {
            c.pointee.replica_id = id
        }
        c.pointee.fusion = try builder.message(fusion, as: Secondpass__Rescoring__V1__FusionWeights.self)
        return UnsafeMutableRawPointer(c)
    }
}
