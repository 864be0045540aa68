import CProtobufC

/// Builds a protobuf-c message from a `ProtoFields` tree by walking its descriptor.
///
/// Every byte it allocates belongs to the arena; the message is only valid until the arena is
/// freed, which the codec does right after packing.
struct CMessageWriter {
    let arena: CArena

    func build(
        _ fields: ProtoFields, descriptor: UnsafePointer<ProtobufCMessageDescriptor>
    ) throws -> UnsafeMutableRawPointer {
        let layout = MessageLayout.of(descriptor)
        let messageName = layout.messageName
        let message = arena.allocate(byteCount: descriptor.pointee.sizeof_message)
        protobuf_c_message_init(descriptor, message)
        var written = 0
        for field in layout.fields {
            guard let value = fields.values[field.name] else { continue }
            try write(value, into: message, field, messageName)
            written += 1
        }
        if written != fields.values.count {
            let unknown = fields.values.keys.filter { layout.indexByName[$0] == nil }.sorted()
            throw ProtoBridgeError(
                .unknownField, messageName: messageName, fieldPath: unknown.first ?? "",
                message: "the message has no field named \(unknown.first ?? "?")")
        }
        return message
    }

    private func write(
        _ value: ProtoValue, into message: UnsafeMutableRawPointer, _ layout: FieldLayout,
        _ messageName: String
    ) throws {
        let member = message + layout.offset
        switch layout.presence {
        case .repeated:
            guard case .repeated(let elements) = value else {
                throw mismatch(layout, messageName, "repeated", value)
            }
            let array = arena.allocate(byteCount: elements.count * layout.elementSize)
            for (index, element) in elements.enumerated() {
                try store(element, at: array + index * layout.elementSize, layout, messageName)
            }
            (message + layout.quantifierOffset).storeBytes(of: elements.count, as: Int.self)
            member.storeBytes(of: UnsafeMutableRawPointer?(array), as: UnsafeMutableRawPointer?.self)
        case .oneofCase:
            try store(value, at: member, layout, messageName)
            (message + layout.quantifierOffset).storeBytes(of: layout.id, as: UInt32.self)
        case .hasFlag:
            try store(value, at: member, layout, messageName)
            (message + layout.quantifierOffset).storeBytes(of: 1, as: Int32.self)
        case .implicit:
            try store(value, at: member, layout, messageName)
        }
    }

    /// Stores one value at `slot` (a struct member or an array element).
    private func store(
        _ value: ProtoValue, at slot: UnsafeMutableRawPointer, _ layout: FieldLayout, _ messageName: String
    ) throws {
        switch (layout.type, value) {
        case (PROTOBUF_C_TYPE_INT32, .int32(let v)), (PROTOBUF_C_TYPE_SINT32, .int32(let v)),
            (PROTOBUF_C_TYPE_SFIXED32, .int32(let v)), (PROTOBUF_C_TYPE_ENUM, .enumeration(let v)):
            slot.storeBytes(of: v, as: Int32.self)
        case (PROTOBUF_C_TYPE_INT64, .int64(let v)), (PROTOBUF_C_TYPE_SINT64, .int64(let v)),
            (PROTOBUF_C_TYPE_SFIXED64, .int64(let v)):
            slot.storeBytes(of: v, as: Int64.self)
        case (PROTOBUF_C_TYPE_UINT32, .uint32(let v)), (PROTOBUF_C_TYPE_FIXED32, .uint32(let v)):
            slot.storeBytes(of: v, as: UInt32.self)
        case (PROTOBUF_C_TYPE_UINT64, .uint64(let v)), (PROTOBUF_C_TYPE_FIXED64, .uint64(let v)):
            slot.storeBytes(of: v, as: UInt64.self)
        case (PROTOBUF_C_TYPE_FLOAT, .float(let v)):
            slot.storeBytes(of: v, as: Float.self)
        case (PROTOBUF_C_TYPE_DOUBLE, .double(let v)):
            slot.storeBytes(of: v, as: Double.self)
        case (PROTOBUF_C_TYPE_BOOL, .bool(let v)):
            slot.storeBytes(of: v ? 1 : 0, as: Int32.self)
        case (PROTOBUF_C_TYPE_STRING, .string(let v)):
            guard let cString = arena.cString(v) else {
                throw ProtoBridgeError(
                    .embeddedNUL, messageName: messageName, fieldPath: layout.name,
                    message: "strings must not contain U+0000 (protobuf-c strings are NUL-terminated)")
            }
            slot.storeBytes(of: UnsafeMutablePointer<CChar>?(cString), as: UnsafeMutablePointer<CChar>?.self)
        case (PROTOBUF_C_TYPE_BYTES, .bytes(let v)):
            slot.storeBytes(
                of: ProtobufCBinaryData(len: v.count, data: arena.bytes(v)), as: ProtobufCBinaryData.self)
        case (PROTOBUF_C_TYPE_MESSAGE, .message(let nested)):
            let built = try build(nested, descriptor: layout.messageDescriptor)
            slot.storeBytes(of: UnsafeMutableRawPointer?(built), as: UnsafeMutableRawPointer?.self)
        default:
            throw mismatch(layout, messageName, "a value of protobuf-c type \(layout.type.rawValue)", value)
        }
    }

    private func mismatch(
        _ layout: FieldLayout, _ messageName: String, _ expected: String, _ value: ProtoValue
    ) -> ProtoBridgeError {
        ProtoBridgeError(
            .typeMismatch, messageName: messageName, fieldPath: layout.name,
            message: "expected \(expected), found \(value.kindName)")
    }
}
