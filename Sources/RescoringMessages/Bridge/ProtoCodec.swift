import CProtobufC

/// The one place where bytes and protobuf-c messages are converted.
///
/// Decoding unpacks with protobuf-c into an arena (one bump allocator instead of a `malloc` per
/// string, array and sub-message), checks string fields on the wire (UTF-8, no U+0000), and has
/// the message type read the C struct (`ProtoMessage.init(unpacked:)`). Encoding has the message
/// type fill a C struct in an arena (`ProtoMessage.cMessage(in:)`), packs it and frees the
/// arena. No C memory outlives a call.
enum ProtoCodec {
    static func decode<M: ProtoMessage>(_ bytes: UnsafeRawBufferPointer, as type: M.Type) throws -> M {
        try withUnpacked(bytes, descriptor: M.protoDescriptor) { try M(unpacked: $0) }
    }

    /// The generic field tree of `bytes` (what `init(fields:)` receives on the default path).
    static func decode(_ bytes: [UInt8], descriptor: ProtoMessageDescriptor) throws -> ProtoFields {
        try bytes.withUnsafeBytes { buffer in
            try withUnpacked(buffer, descriptor: descriptor) {
                try CMessageReader.read($0.pointer, descriptor: $0.descriptor)
            }
        }
    }

    /// Unpacks and checks `bytes`, hands the C message to `body`, and frees it.
    private static func withUnpacked<Result>(
        _ bytes: UnsafeRawBufferPointer, descriptor: ProtoMessageDescriptor,
        _ body: (UnpackedCMessage) throws -> Result
    ) throws -> Result {
        let pointer = descriptor.pointer
        let arena = CArena()
        defer { arena.freeAll() }
        var allocator = ProtobufCAllocator(
            alloc: { data, size in
                Unmanaged<CArena>.fromOpaque(data!).takeUnretainedValue().allocate(byteCount: size)
            },
            free: { _, _ in },  // the arena frees everything at once
            allocator_data: Unmanaged.passUnretained(arena).toOpaque())
        let unpacked = protobuf_c_message_unpack(
            pointer, &allocator, bytes.count, bytes.baseAddress?.assumingMemoryBound(to: UInt8.self))
        guard let unpacked else {
            throw ProtoBridgeError(
                .malformed, messageName: descriptor.fullName,
                message: "protobuf-c could not parse \(bytes.count) bytes")
        }
        try WireStringValidator.validate(bytes, descriptor: pointer, path: { "" })
        return try body(UnpackedCMessage(pointer: UnsafeRawPointer(unpacked), descriptor: pointer))
    }

    static func encode<M: ProtoMessage>(_ message: M) throws -> [UInt8] {
        let arena = CArena()
        defer { arena.freeAll() }
        let built = try message.cMessage(in: CMessageBuilder(arena: arena))
        let cMessage = built.assumingMemoryBound(to: ProtobufCMessage.self)
        let size = protobuf_c_message_get_packed_size(cMessage)
        guard size > 0 else { return [] }
        return [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
            count = protobuf_c_message_pack(cMessage, buffer.baseAddress!)
        }
    }
}
