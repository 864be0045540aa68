import CProtobufC

/// The one place where bytes, protobuf-c messages and field trees are converted.
///
/// Decoding unpacks with protobuf-c, checks string fields on the wire (UTF-8, no U+0000), reads
/// the unpacked C message into a tree and frees it. Encoding builds a C message from the tree in
/// an arena, packs it and frees the arena. No C memory outlives a call.
enum ProtoCodec {
    static func decode(_ bytes: [UInt8], descriptor: ProtoMessageDescriptor) throws -> ProtoFields {
        let pointer = descriptor.pointer
        let unpacked = bytes.withUnsafeBufferPointer { buffer in
            protobuf_c_message_unpack(pointer, nil, buffer.count, buffer.baseAddress)
        }
        guard let unpacked else {
            throw ProtoBridgeError(
                .malformed, messageName: descriptor.fullName,
                message: "protobuf-c could not parse \(bytes.count) bytes")
        }
        defer { protobuf_c_message_free_unpacked(unpacked, nil) }
        try bytes.withUnsafeBufferPointer { buffer in
            try WireStringValidator.validate(UnsafeRawBufferPointer(buffer), descriptor: pointer, path: "")
        }
        return try CMessageReader.read(UnsafeRawPointer(unpacked), descriptor: pointer)
    }

    static func encode(_ fields: ProtoFields, descriptor: ProtoMessageDescriptor) throws -> [UInt8] {
        let arena = CArena()
        defer { arena.freeAll() }
        let message = try CMessageWriter(arena: arena).build(fields, descriptor: descriptor.pointer)
        let cMessage = message.assumingMemoryBound(to: ProtobufCMessage.self)
        let size = protobuf_c_message_get_packed_size(cMessage)
        guard size > 0 else { return [] }
        return [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
            count = protobuf_c_message_pack(cMessage, buffer.baseAddress!)
        }
    }
}
