public import H2RPC
public import RescoringMessages

/// Serializes and deserializes one protobuf message type through the protobuf-c bridge.
///
/// Plugs `RescoringMessages` into H2RPC, which is generic over message encodings. Bridge errors
/// are passed on as thrown: H2RPC turns a request that fails to decode into `INVALID_ARGUMENT`
/// with the bridge's message (field path and reason).
public struct ProtobufCodec<Message: ProtoMessage>: MessageSerializer, MessageDeserializer {
    public init() {}

    public func serialize(_ message: Message) throws -> [UInt8] {
        try message.serializedBytes()
    }

    public func deserialize(_ bytes: [UInt8]) throws -> Message {
        try Message(serializedBytes: bytes)
    }
}

/// A method with its request and response types: the descriptor plus the codecs for both.
public struct ProtobufMethod<Request: ProtoMessage, Response: ProtoMessage>: Sendable {
    public let descriptor: MethodDescriptor

    public init(service: String, method: String, kind: RPCKind) {
        descriptor = MethodDescriptor(service: service, method: method, kind: kind)
    }

    public var requestCodec: ProtobufCodec<Request> { ProtobufCodec() }
    public var responseCodec: ProtobufCodec<Response> { ProtobufCodec() }
}
