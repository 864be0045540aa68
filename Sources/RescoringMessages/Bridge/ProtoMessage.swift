import CProtobufC

/// A Swift message type that the generic protobuf-c bridge can encode and decode.
///
/// A conforming type names its protobuf-c descriptor and maps itself to and from the generic
/// field tree, which is all a new message needs (the bridge handles the C memory). For speed a
/// type also reads and writes its generated C struct directly (`init(unpacked:)`,
/// `cMessage(in:)`), through the arena helpers of `CStructReading` and `CMessageBuilder`;
/// `DirectBridgeParityTests` checks both ways agree.
public protocol ProtoMessage: Sendable, Hashable {
    /// The protobuf-c descriptor of the message.
    static var protoDescriptor: ProtoMessageDescriptor { get }
    /// Builds the message from a decoded field tree.
    init(fields: ProtoFields) throws
    /// The message as a field tree.
    var fields: ProtoFields { get }
    /// Reads the message from its unpacked protobuf-c struct.
    ///
    /// The default goes through the field tree (`init(fields:)`); the message types of this
    /// module read the generated C struct's members directly (`Messages/*+CStruct.swift`).
    init(unpacked message: UnpackedCMessage) throws
    /// Builds the message's protobuf-c struct in `builder`'s arena and returns its address.
    ///
    /// The default goes through the field tree (`fields`); the message types of this module
    /// write the generated C struct's members directly.
    func cMessage(in builder: CMessageBuilder) throws -> UnsafeMutableRawPointer
}

extension ProtoMessage {
    public init(unpacked message: UnpackedCMessage) throws {
        try self.init(fields: CMessageReader.read(message.pointer, descriptor: message.descriptor))
    }

    public func cMessage(in builder: CMessageBuilder) throws -> UnsafeMutableRawPointer {
        try CMessageWriter(arena: builder.arena).build(fields, descriptor: Self.protoDescriptor.pointer)
    }
}

/// An unpacked protobuf-c message handed to `ProtoMessage.init(unpacked:)`; valid only during
/// that call. Opaque outside the bridge.
public struct UnpackedCMessage {
    let pointer: UnsafeRawPointer
    let descriptor: UnsafePointer<ProtobufCMessageDescriptor>
}

/// Where `ProtoMessage.cMessage(in:)` allocates the C struct it builds and everything it points
/// to; freed by the codec right after packing. Opaque outside the bridge.
public struct CMessageBuilder {
    let arena: CArena
}

extension ProtoMessage {
    /// The fully qualified `.proto` name, e.g. `secondpass.rescoring.v1.NBestList`.
    public static var protoMessageName: String { protoDescriptor.fullName }

    /// Decodes the message from its protobuf wire encoding.
    ///
    /// - Throws: `ProtoBridgeError` when the bytes are malformed, a string is not valid UTF-8
    ///   or holds U+0000, or a value does not fit the Swift type.
    public init(serializedBytes bytes: some Collection<UInt8>) throws {
        let decoded = try bytes.withContiguousStorageIfAvailable {
            try ProtoCodec.decode(UnsafeRawBufferPointer($0), as: Self.self)
        }
        if let decoded {
            self = decoded
        } else {
            self = try Array(bytes).withUnsafeBytes { try ProtoCodec.decode($0, as: Self.self) }
        }
    }

    /// Encodes the message in the protobuf wire format.
    ///
    /// - Throws: `ProtoBridgeError` when a string holds U+0000 or the tree does not fit the
    ///   descriptor (a bug in the message type's `fields`).
    public func serializedBytes() throws -> [UInt8] {
        try ProtoCodec.encode(self)
    }
}

/// A reference to a protobuf-c message descriptor: immutable static data of the generated code.
///
/// Kept opaque so that users of the message types never import the C modules.
public struct ProtoMessageDescriptor {
    let pointer: UnsafePointer<ProtobufCMessageDescriptor>

    init(_ pointer: UnsafePointer<ProtobufCMessageDescriptor>) {
        self.pointer = pointer
    }

    /// Takes the descriptor address from a message initialised by its generated `*__init`.
    ///
    /// Swift cannot take the address of an imported `extern const` global reliably (it may copy
    /// it), but the generated initialiser stores the real address in `base.descriptor`.
    init<CMessage>(initialising message: CMessage, with initialiser: (UnsafeMutablePointer<CMessage>) -> Void)
    {
        var copy = message
        initialiser(&copy)
        let base = withUnsafeBytes(of: &copy) { $0.load(as: ProtobufCMessage.self) }
        self.init(base.descriptor)
    }

    /// The fully qualified `.proto` name.
    public var fullName: String { MessageLayout.of(pointer).messageName }
}
