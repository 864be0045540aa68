import CProtobufC

/// Reads an unpacked protobuf-c message into a `ProtoFields` tree by walking its descriptor.
enum CMessageReader {
    static func read(
        _ message: UnsafeRawPointer, descriptor: UnsafePointer<ProtobufCMessageDescriptor>
    ) throws -> ProtoFields {
        let messageLayout = MessageLayout.of(descriptor)
        let messageName = messageLayout.messageName
        var fields = ProtoFields(messageName: messageName, capacity: messageLayout.fields.count)
        for layout in messageLayout.fields {
            let member = message + layout.offset
            switch layout.presence {
            case .repeated:
                let count = (message + layout.quantifierOffset).load(as: Int.self)
                guard count > 0, let array = member.load(as: UnsafeRawPointer?.self) else { continue }
                var elements: [ProtoValue] = []
                elements.reserveCapacity(count)
                for index in 0..<count {
                    let element = array + index * layout.elementSize
                    elements.append(try readValue(element, layout, messageName))
                }
                fields[layout.name] = .repeated(elements)
            case .oneofCase:
                let setCase = (message + layout.quantifierOffset).load(as: UInt32.self)
                guard setCase == layout.id else { continue }
                if let value = try readSingular(member, layout, messageName) { fields[layout.name] = value }
            case .hasFlag:
                guard (message + layout.quantifierOffset).load(as: Int32.self) != 0 else { continue }
                if let value = try readSingular(member, layout, messageName) { fields[layout.name] = value }
            case .implicit:
                if let value = try readSingular(member, layout, messageName) { fields[layout.name] = value }
            }
        }
        return fields
    }

    /// A singular member; `nil` for a null string or message pointer (absent).
    private static func readSingular(
        _ member: UnsafeRawPointer, _ layout: FieldLayout, _ messageName: String
    ) throws -> ProtoValue? {
        if layout.type == PROTOBUF_C_TYPE_STRING || layout.type == PROTOBUF_C_TYPE_MESSAGE {
            guard member.load(as: UnsafeRawPointer?.self) != nil else { return nil }
        }
        return try readValue(member, layout, messageName)
    }

    /// One value stored at `slot` (a struct member or an array element).
    private static func readValue(
        _ slot: UnsafeRawPointer, _ layout: FieldLayout, _ messageName: String
    ) throws -> ProtoValue {
        switch layout.type {
        case PROTOBUF_C_TYPE_INT32, PROTOBUF_C_TYPE_SINT32, PROTOBUF_C_TYPE_SFIXED32:
            return .int32(slot.load(as: Int32.self))
        case PROTOBUF_C_TYPE_INT64, PROTOBUF_C_TYPE_SINT64, PROTOBUF_C_TYPE_SFIXED64:
            return .int64(slot.load(as: Int64.self))
        case PROTOBUF_C_TYPE_UINT32, PROTOBUF_C_TYPE_FIXED32:
            return .uint32(slot.load(as: UInt32.self))
        case PROTOBUF_C_TYPE_UINT64, PROTOBUF_C_TYPE_FIXED64:
            return .uint64(slot.load(as: UInt64.self))
        case PROTOBUF_C_TYPE_FLOAT:
            return .float(slot.load(as: Float.self))
        case PROTOBUF_C_TYPE_DOUBLE:
            return .double(slot.load(as: Double.self))
        case PROTOBUF_C_TYPE_BOOL:
            return .bool(slot.load(as: Int32.self) != 0)
        case PROTOBUF_C_TYPE_ENUM:
            return .enumeration(slot.load(as: Int32.self))
        case PROTOBUF_C_TYPE_STRING:
            guard let cString = slot.load(as: UnsafePointer<CChar>?.self) else { return .string("") }
            // WireStringValidator has already checked every string field on the wire (valid
            // UTF-8, no NUL), so the C string is exactly the sent string.
            return .string(String(cString: cString))
        case PROTOBUF_C_TYPE_BYTES:
            let binary = slot.load(as: ProtobufCBinaryData.self)
            guard binary.len > 0, let data = binary.data else { return .bytes([]) }
            return .bytes(Array(UnsafeBufferPointer(start: data, count: binary.len)))
        case PROTOBUF_C_TYPE_MESSAGE:
            let nested = try read(slot.load(as: UnsafeRawPointer.self), descriptor: layout.messageDescriptor)
            return .message(nested)
        default:
            throw ProtoBridgeError(
                .typeMismatch, messageName: messageName, fieldPath: layout.name,
                message: "unsupported protobuf-c field type \(layout.type.rawValue)")
        }
    }
}
