import CRescoringProtos

// Direct conversion of EvaluationRecord to and from its protobuf-c struct: the aggregator
// receives one per utterance and condition, each holding a whole N-best list and its result.

private typealias CEvaluationRecord = Secondpass__Rescoring__V1__EvaluationRecord

extension EvaluationRecord {
    public init(unpacked message: UnpackedCMessage) throws {
        let c = CStructReading.load(message, as: CEvaluationRecord.self)
        self.init(
            runID: CStructReading.string(c.run_id), utteranceID: CStructReading.string(c.utterance_id),
            condition: CStructReading.string(c.condition), reference: CStructReading.string(c.reference),
            firstPass: try CStructReading.message(c.first_pass, as: NBestListMessage.self),
            rescored: try CStructReading.message(c.rescored, as: RescoreResult.self))
    }

    public func cMessage(in builder: CMessageBuilder) throws -> UnsafeMutableRawPointer {
        let c = builder.newStruct(secondpass__rescoring__v1__evaluation_record__init)
        if let id = try builder.string(runID, field: "run_id", of: Self.self) { c.pointee.run_id = id }
        if let id = try builder.string(utteranceID, field: "utterance_id", of: Self.self) {
            c.pointee.utterance_id = id
        }
        if let text = try builder.string(condition, field: "condition", of: Self.self) {
            c.pointee.condition = text
        }
        if let text = try builder.string(reference, field: "reference", of: Self.self) {
            c.pointee.reference = text
        }
        c.pointee.first_pass = try builder.message(firstPass, as: Secondpass__Rescoring__V1__NBestList.self)
        c.pointee.rescored = try builder.message(rescored, as: Secondpass__Rescoring__V1__RescoreResult.self)
        return UnsafeMutableRawPointer(c)
    }
}
