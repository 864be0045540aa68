import CRescoringProtos

/// `secondpass.rescoring.v1.RescoreRequest`: one N-best list to rescore, with its configuration.
public struct RescoreRequest: ProtoMessage {
    public var nbest: NBestListMessage?
    public var config: RescoringConfig?

    public init(
        nbest: NBestListMessage? = nil, config: RescoringConfig? = nil
    ) {
        self.nbest = nbest
        self.config = config
    }

    public static var protoDescriptor: ProtoMessageDescriptor {
        ProtoMessageDescriptor(
            initialising: Secondpass__Rescoring__V1__RescoreRequest(),
            with: secondpass__rescoring__v1__rescore_request__init)
    }

    public init(fields: ProtoFields) throws {
        nbest = try fields.message("nbest")
        config = try fields.message("config")
    }

    public var fields: ProtoFields {
        var fields = ProtoFields(for: Self.self)
        fields.set("nbest", nbest)
        fields.set("config", config)
        return fields
    }
}
