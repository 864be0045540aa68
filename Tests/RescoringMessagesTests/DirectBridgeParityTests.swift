import Testing

@testable import RescoringMessages

/// The message types that read and write their protobuf-c structs directly must agree with the
/// generic field tree, which walks the descriptor and is cross-checked against Python.
@Suite("Direct C struct conversions match the field tree")
struct DirectBridgeParityTests {
    @Test(
        "encoding directly gives the tree's bytes; decoding directly gives the tree's message",
        arguments: MessageSamples.all)
    func parity(sample: MessageSample) throws {
        try Self.expectParity(sample.message)
    }

    private static func expectParity<M: ProtoMessage>(_ message: M) throws {
        let direct = try message.serializedBytes()
        #expect(try TreeOnly<M>(message.fields).serializedBytes() == direct, "\(M.self)")
        let viaTree = try M(fields: ProtoCodec.decode(direct, descriptor: M.protoDescriptor))
        #expect(try M(serializedBytes: direct) == viaTree, "\(M.self)")
    }

    /// Reflection messages are not among `MessageSamples`: every oneof case, empty strings in
    /// oneofs (present, so encoded) and empty bytes elements.
    static let reflectionSamples: [MessageSample] = {
        typealias Response = ServerReflectionResponse
        let requests: [ServerReflectionRequest] = [
            ServerReflectionRequest(),
            ServerReflectionRequest(host: "h", query: .fileByFilename("a.proto")),
            ServerReflectionRequest(query: .fileContainingSymbol("")),
            ServerReflectionRequest(
                query: .fileContainingExtension(.init(containingType: "t", extensionNumber: -3))),
            ServerReflectionRequest(query: .allExtensionNumbersOfType("x.Y")),
            ServerReflectionRequest(query: .listServices("")),
        ]
        let answers: [Response.Answer?] = [
            nil, .fileDescriptors(.init(fileDescriptorProtos: [[1, 2, 0, 255], [], [7]])),
            .fileDescriptors(.init()),
            .extensionNumbers(.init(baseTypeName: "b", extensionNumbers: [1, -2])),
            .services(.init(names: ["a.B", "", "ü.Ö"])),
            .error(.init(errorCode: 5, errorMessage: "not found")),
        ]
        let responses = answers.enumerated().map { index, answer in
            Response(
                validHost: index % 2 == 0 ? "" : "host", originalRequest: requests[index], answer: answer)
        }
        return (requests.map { $0 as any ProtoMessage } + responses.map { $0 as any ProtoMessage })
            .enumerated().map { MessageSample(name: "reflection \($0.offset)", message: $0.element) }
    }()

    @Test("reflection messages: direct and tree paths agree", arguments: reflectionSamples)
    func reflectionParity(sample: MessageSample) throws {
        try Self.expectParity(sample.message)
        try Self.expectRoundTrip(sample.message)
    }

    private static func expectRoundTrip<M: ProtoMessage>(_ message: M) throws {
        #expect(try M(serializedBytes: message.serializedBytes()) == message)
    }

    @Test("repeated strings keep empty elements")
    func emptyRepeatedStrings() throws {
        let summary = RecordSummary(accepted: 1, errors: ["", "x", ""])
        #expect(try RecordSummary(serializedBytes: summary.serializedBytes()) == summary)
    }

    @Test("a string with U+0000 is refused with its field on the direct path too")
    func embeddedNULOnEveryDirectType() throws {
        let messages: [any ProtoMessage] = [
            RescoreRequest(nbest: NBestListMessage(hypotheses: [HypothesisMessage(text: "a\u{0}")])),
            RescoreRequest(config: RescoringConfig(adapter: "\u{0}")),
            RescoreResult(replicaID: "r\u{0}"),
            RescoreResult(hypotheses: [ScoredHypothesis(text: "\u{0}b")]),
            EvaluationRecord(reference: "x\u{0}y"),
            RecordSummary(errors: ["", "a\u{0}"]),
            ListAdaptersResponse(adapters: [AdapterInfo(targetModules: ["q", "\u{0}"])]),
            Report(conditions: [ConditionReport(condition: "\u{0}")]),
            HealthCheckRequest(service: "\u{0}"),
        ]
        let fields = [
            "text", "adapter", "replica_id", "text", "reference", "errors", "target_modules", "condition",
            "service",
        ]
        for (message, field) in zip(messages, fields) {
            let error = try #require(throws: ProtoBridgeError.self) { try message.serializedBytes() }
            #expect(error.code == .embeddedNUL)
            #expect(error.fieldPath == field)
        }
    }
}

/// Any message's field tree, encoded through the generic (descriptor-walking) default path.
private struct TreeOnly<M: ProtoMessage>: ProtoMessage {
    let tree: ProtoFields

    init(_ fields: ProtoFields) { tree = fields }
    init(fields: ProtoFields) throws { tree = fields }
    static var protoDescriptor: ProtoMessageDescriptor { M.protoDescriptor }
    var fields: ProtoFields { tree }
}
