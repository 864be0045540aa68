/// Turns a message into the bytes of one gRPC message.
///
/// H2RPC is generic over message types: the protobuf bridge (or any other encoding) plugs in by
/// conforming to this protocol.
public protocol MessageSerializer<Message>: Sendable {
    associatedtype Message
    /// Serializes one message; throwing fails the call with the thrown error's status.
    func serialize(_ message: Message) throws -> [UInt8]
}

/// Turns the bytes of one gRPC message into a message.
public protocol MessageDeserializer<Message>: Sendable {
    associatedtype Message
    /// Deserializes one message; a failure becomes `INVALID_ARGUMENT` on the server and
    /// `INTERNAL` on the client.
    func deserialize(_ bytes: [UInt8]) throws -> Message
}

/// A serializer built from a closure.
public struct ClosureSerializer<Message>: MessageSerializer {
    private let body: @Sendable (Message) throws -> [UInt8]

    /// Wraps `body`.
    public init(_ body: @escaping @Sendable (Message) throws -> [UInt8]) {
        self.body = body
    }

    public func serialize(_ message: Message) throws -> [UInt8] {
        try body(message)
    }
}

/// A deserializer built from a closure.
public struct ClosureDeserializer<Message>: MessageDeserializer {
    private let body: @Sendable ([UInt8]) throws -> Message

    /// Wraps `body`.
    public init(_ body: @escaping @Sendable ([UInt8]) throws -> Message) {
        self.body = body
    }

    public func deserialize(_ bytes: [UInt8]) throws -> Message {
        try body(bytes)
    }
}

/// The identity codec: messages are raw bytes.
///
/// Used by tests, benchmarks and tools that treat payloads as opaque.
public struct RawBytesCodec: MessageSerializer, MessageDeserializer {
    public typealias Message = [UInt8]

    public init() {}

    public func serialize(_ message: [UInt8]) throws -> [UInt8] {
        message
    }

    public func deserialize(_ bytes: [UInt8]) throws -> [UInt8] {
        bytes
    }
}
