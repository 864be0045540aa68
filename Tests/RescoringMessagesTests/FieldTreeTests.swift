import Testing

@testable import RescoringMessages

/// A message type whose tree is deliberately wrong, to test the bridge's checks of the tree.
private struct MisdescribedMessage: ProtoMessage {
    var fieldsToSend: ProtoFields

    static var protoDescriptor: ProtoMessageDescriptor { HypothesisMessage.protoDescriptor }
    init(fields: ProtoFields) throws { fieldsToSend = fields }
    init(values: [String: ProtoValue]) {
        fieldsToSend = ProtoFields(messageName: "test", values: values)
    }
    var fields: ProtoFields { fieldsToSend }
}

@Suite("The generic field tree")
struct FieldTreeTests {
    @Test("a field the descriptor does not have is an unknown field")
    func unknownFieldName() throws {
        let error = try #require(throws: ProtoBridgeError.self) {
            try MisdescribedMessage(values: ["no_such_field": .int32(1)]).serializedBytes()
        }
        #expect(error.code == .unknownField)
        #expect(error.fieldPath == "no_such_field")
    }

    @Test(
        "a value of the wrong kind is a type mismatch",
        arguments: [
            ("text", ProtoValue.int32(1)), ("total_score", .float(1)), ("token_ids", .int32(1)),
            ("token_ids", .repeated([.string("x")])), ("confidence", .repeated([])),
        ])
    func wrongKind(field: String, value: ProtoValue) throws {
        let error = try #require(throws: ProtoBridgeError.self) {
            try MisdescribedMessage(values: [field: value]).serializedBytes()
        }
        #expect(error.code == .typeMismatch)
        #expect(error.fieldPath == field)
    }

    @Test("reading a field as the wrong Swift type is a type mismatch")
    func wrongReader() throws {
        let fields = ProtoFields(
            messageName: "m", values: ["text": .double(1), "list": .repeated([.int32(1)])])
        #expect(throws: ProtoBridgeError.self) { try fields.scalar("text", as: String.self) }
        #expect(throws: ProtoBridgeError.self) { try fields.scalars("list", as: String.self) }
        #expect(throws: ProtoBridgeError.self) { try fields.messages("text", as: Interval.self) }
        #expect(throws: ProtoBridgeError.self) { try fields.enumeration("text", as: ResultKind.self) }
        #expect(try fields.scalar("absent", as: Double.self) == 0)
        #expect(try fields.optionalScalar("absent", as: Double.self) == nil)
    }

    @Test("a tree built by hand encodes like the typed message")
    func handBuiltTree() throws {
        let tree = MisdescribedMessage(values: [
            "text": .string("hello"), "token_ids": .repeated([.int32(5), .int32(-6)]),
            "confidence": .double(0.5),
        ])
        let typed = HypothesisMessage(text: "hello", tokenIDs: [5, -6], confidence: 0.5)
        #expect(try tree.serializedBytes() == typed.serializedBytes())
    }

    @Test("errors describe message, field and reason")
    func errorDescription() {
        let error = ProtoBridgeError(.invalidUTF8, messageName: "a.B", fieldPath: "c.d", message: "bad")
        #expect(error.description == "invalidUTF8 at a.B.c.d: bad")
    }
}
