import CRescoringProtos

// Direct conversions of the request side (RescoreRequest and the messages inside it) to and
// from their protobuf-c structs: the hot path of every rescoring call, so it skips the field
// tree. `RoundTripTests` and `FieldTreeTests.handBuiltTree` check they match the tree's bytes.

private typealias CFusionWeights = Secondpass__Rescoring__V1__FusionWeights
private typealias CRescoringConfig = Secondpass__Rescoring__V1__RescoringConfig
private typealias CHypothesis = Secondpass__Rescoring__V1__Hypothesis
private typealias CNBestList = Secondpass__Rescoring__V1__NBestList
private typealias CRescoreRequest = Secondpass__Rescoring__V1__RescoreRequest

extension FusionWeights {
    public init(unpacked message: UnpackedCMessage) throws {
        let c = CStructReading.load(message, as: CFusionWeights.self)
        self.init(firstPassWeight: c.first_pass_weight, lmWeight: c.lm_weight, lengthBonus: c.length_bonus)
    }

    public func cMessage(in builder: CMessageBuilder) throws -> UnsafeMutableRawPointer {
        let c = builder.newStruct(secondpass__rescoring__v1__fusion_weights__init)
        c.pointee.first_pass_weight = firstPassWeight
        c.pointee.lm_weight = lmWeight
        c.pointee.length_bonus = lengthBonus
        return UnsafeMutableRawPointer(c)
    }
}

extension RescoringConfig {
    public init(unpacked message: UnpackedCMessage) throws {
        let c = CStructReading.load(message, as: CRescoringConfig.self)
        self.init(
            adapter: CStructReading.string(c.adapter),
            fusion: try CStructReading.message(c.fusion, as: FusionWeights.self),
            maxHypotheses: c.max_hypotheses)
    }

    public func cMessage(in builder: CMessageBuilder) throws -> UnsafeMutableRawPointer {
        let c = builder.newStruct(secondpass__rescoring__v1__rescoring_config__init)
        if let adapter = try builder.string(adapter, field: "adapter", of: Self.self) {
            c.pointee.adapter = adapter
        }
        c.pointee.fusion = try builder.message(fusion, as: CFusionWeights.self)
        c.pointee.max_hypotheses = maxHypotheses
        return UnsafeMutableRawPointer(c)
    }
}

extension HypothesisMessage {
    public init(unpacked message: UnpackedCMessage) throws {
        let c = CStructReading.load(message, as: CHypothesis.self)
        self.init(
            text: CStructReading.string(c.text),
            tokenIDs: CStructReading.scalars(c.token_ids, count: c.n_token_ids),
            totalScore: c.total_score, acousticScore: c.acoustic_score, lmScore: c.lm_score,
            confidence: c.confidence_value_case
                == SECONDPASS__RESCORING__V1__HYPOTHESIS__CONFIDENCE_VALUE_CONFIDENCE
                ? c.confidence : nil)
    }

    public func cMessage(in builder: CMessageBuilder) throws -> UnsafeMutableRawPointer {
        let c = builder.newStruct(secondpass__rescoring__v1__hypothesis__init)
        if let text = try builder.string(text, field: "text", of: Self.self) { c.pointee.text = text }
        c.pointee.n_token_ids = tokenIDs.count
        c.pointee.token_ids = builder.scalars(tokenIDs)
        c.pointee.total_score = totalScore
        c.pointee.acoustic_score = acousticScore
        c.pointee.lm_score = lmScore
        if let confidence {
            c.pointee.confidence_value_case =
                SECONDPASS__RESCORING__V1__HYPOTHESIS__CONFIDENCE_VALUE_CONFIDENCE
            c.pointee.confidence = confidence
        }
        return UnsafeMutableRawPointer(c)
    }
}

extension NBestListMessage {
    public init(unpacked message: UnpackedCMessage) throws {
        let c = CStructReading.load(message, as: CNBestList.self)
        self.init(
            utteranceID: CStructReading.string(c.utterance_id),
            sessionID: CStructReading.string(c.session_id),
            sequenceNumber: c.sequence_number,
            kind: ResultKind(protoNumber: CStructReading.enumNumber(c.kind)), stability: c.stability,
            hypotheses: try CStructReading.messages(
                c.hypotheses, count: c.n_hypotheses, as: HypothesisMessage.self))
    }

    public func cMessage(in builder: CMessageBuilder) throws -> UnsafeMutableRawPointer {
        let c = builder.newStruct(secondpass__rescoring__v1__nbest_list__init)
        if let id = try builder.string(utteranceID, field: "utterance_id", of: Self.self) {
            c.pointee.utterance_id = id
        }
        if let id = try builder.string(sessionID, field: "session_id", of: Self.self) {
            c.pointee.session_id = id
        }
        c.pointee.sequence_number = sequenceNumber
        c.pointee.kind = .init(rawValue: .init(truncatingIfNeeded: kind.protoNumber))
        c.pointee.stability = stability
        c.pointee.n_hypotheses = hypotheses.count
        c.pointee.hypotheses = try builder.messages(hypotheses, as: CHypothesis.self)
        return UnsafeMutableRawPointer(c)
    }
}

extension RescoreRequest {
    public init(unpacked message: UnpackedCMessage) throws {
        let c = CStructReading.load(message, as: CRescoreRequest.self)
        self.init(
            nbest: try CStructReading.message(c.nbest, as: NBestListMessage.self),
            config: try CStructReading.message(c.config, as: RescoringConfig.self))
    }

    public func cMessage(in builder: CMessageBuilder) throws -> UnsafeMutableRawPointer {
        let c = builder.newStruct(secondpass__rescoring__v1__rescore_request__init)
        c.pointee.nbest = try builder.message(nbest, as: CNBestList.self)
        c.pointee.config = try builder.message(config, as: CRescoringConfig.self)
        return UnsafeMutableRawPointer(c)
    }
}
