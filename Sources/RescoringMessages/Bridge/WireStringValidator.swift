import CProtobufC

/// Checks every string field of an encoded message on the wire: valid UTF-8 and no U+0000.
///
/// protobuf-c accepts any bytes in a `string` field and hands them out NUL-terminated, so an
/// embedded NUL would silently cut the string and invalid UTF-8 would reach Swift. proto3
/// requires valid UTF-8, and we must not drop data silently, so both are errors. Runs only on
/// bytes protobuf-c already parsed, but still bounds-checks everything.
enum WireStringValidator {
    static func validate(
        _ bytes: UnsafeRawBufferPointer, descriptor: UnsafePointer<ProtobufCMessageDescriptor>,
        path: () -> String
    ) throws {
        // Names and paths are built only for an error: the walk itself looks fields up by number
        // in the descriptor (protobuf-c's binary search over field ranges), with no strings.
        var cursor = 0

        func malformed(_ why: String) -> ProtoBridgeError {
            ProtoBridgeError(
                .malformed, messageName: String(cString: descriptor.pointee.name), fieldPath: path(),
                message: why)
        }
        func readVarint() throws -> UInt64 {
            var result: UInt64 = 0
            for shift in stride(from: UInt64(0), to: 64, by: 7) {
                guard cursor < bytes.count else { throw malformed("truncated varint") }
                let byte = bytes[cursor]
                cursor += 1
                result |= UInt64(byte & 0x7f) << shift
                if byte & 0x80 == 0 { return result }
            }
            throw malformed("varint longer than 10 bytes")
        }
        func skip(_ count: UInt64) throws {
            guard count <= UInt64(bytes.count - cursor) else { throw malformed("field runs past the end") }
            cursor += Int(count)
        }

        while cursor < bytes.count {
            let key = try readVarint()
            let number = key >> 3
            switch key & 7 {
            case 0: _ = try readVarint()
            case 1: try skip(8)
            case 5: try skip(4)
            case 2:
                let length = try readVarint()
                let start = cursor
                try skip(length)
                guard number <= UInt64(UInt32.max),
                    let field = protobuf_c_message_descriptor_get_field(descriptor, UInt32(number))
                else {
                    continue
                }
                let payload = UnsafeRawBufferPointer(rebasing: bytes[start..<cursor])
                func fieldPath() -> String {
                    let parent = path()
                    let name = String(cString: field.pointee.name)
                    return parent.isEmpty ? name : "\(parent).\(name)"
                }
                if field.pointee.type == PROTOBUF_C_TYPE_STRING {
                    try validateString(payload, descriptor: descriptor, fieldPath: fieldPath)
                } else if field.pointee.type == PROTOBUF_C_TYPE_MESSAGE {
                    let nested = field.pointee.descriptor.assumingMemoryBound(
                        to: ProtobufCMessageDescriptor.self)
                    try validate(payload, descriptor: nested, path: fieldPath)
                }
            default:
                throw malformed("unsupported wire type \(key & 7)")
            }
        }
    }

    private static func validateString(
        _ payload: UnsafeRawBufferPointer, descriptor: UnsafePointer<ProtobufCMessageDescriptor>,
        fieldPath: () -> String
    ) throws {
        // Fast path: plain ASCII without NUL, the common case for words.
        var isASCII = true
        var hasNUL = false
        for byte in payload {
            if byte == 0 { hasNUL = true }
            if byte >= 0x80 { isASCII = false }
        }
        if isASCII && !hasNUL { return }
        let fieldPath = fieldPath()
        let messageName = String(cString: descriptor.pointee.name)
        if hasNUL {
            throw ProtoBridgeError(
                .embeddedNUL, messageName: messageName, fieldPath: fieldPath,
                message: "string contains U+0000, which protobuf-c strings cannot carry")
        }
        if String(validating: payload, as: UTF8.self) == nil {
            throw ProtoBridgeError(
                .invalidUTF8, messageName: messageName, fieldPath: fieldPath,
                message: "string of \(payload.count) bytes is not valid UTF-8")
        }
    }
}
