internal import CProtobufC

/// What the bridge needs to know about one field of a protobuf-c message struct.
///
/// Read from `ProtobufCFieldDescriptor`: where the member and its quantifier live, how wide one
/// element is, and how presence is expressed (oneof case, `has_` flag, pointer, repeat count).
struct CFieldLayout {
    enum Presence {
        /// proto3 plain field: always present for scalars, non-null for messages.
        case implicit
        /// proto2 `optional` scalar: a `protobuf_c_boolean has_x` at the quantifier offset.
        case hasFlag
        /// A oneof member: the oneof's case enum at the quantifier offset equals the field id.
        case oneofCase
        /// A repeated field: a `size_t n_x` at the quantifier offset, an array pointer at offset.
        case repeated
    }

    let field: UnsafePointer<ProtobufCFieldDescriptor>
    let name: String
    let presence: Presence

    init(_ field: UnsafePointer<ProtobufCFieldDescriptor>) {
        self.field = field
        name = String(cString: field.pointee.name)
        if field.pointee.label == PROTOBUF_C_LABEL_REPEATED {
            presence = .repeated
        } else if field.pointee.flags & UInt32(PROTOBUF_C_FIELD_FLAG_ONEOF.rawValue) != 0 {
            presence = .oneofCase
        } else if field.pointee.label == PROTOBUF_C_LABEL_OPTIONAL && !Self.isPointer(field.pointee.type) {
            presence = .hasFlag
        } else {
            presence = .implicit
        }
    }

    var type: ProtobufCType { field.pointee.type }
    var id: UInt32 { field.pointee.id }
    var offset: Int { Int(field.pointee.offset) }
    var quantifierOffset: Int { Int(field.pointee.quantifier_offset) }

    /// The nested message descriptor of a message field.
    var messageDescriptor: UnsafePointer<ProtobufCMessageDescriptor> {
        field.pointee.descriptor.assumingMemoryBound(to: ProtobufCMessageDescriptor.self)
    }

    /// Bytes one value of this field takes in the C struct or in a repeated array.
    var elementSize: Int {
        switch type {
        case PROTOBUF_C_TYPE_INT64, PROTOBUF_C_TYPE_SINT64, PROTOBUF_C_TYPE_SFIXED64,
            PROTOBUF_C_TYPE_UINT64, PROTOBUF_C_TYPE_FIXED64, PROTOBUF_C_TYPE_DOUBLE:
            8
        case PROTOBUF_C_TYPE_STRING, PROTOBUF_C_TYPE_MESSAGE:
            MemoryLayout<UnsafeRawPointer>.size
        case PROTOBUF_C_TYPE_BYTES:
            MemoryLayout<ProtobufCBinaryData>.size
        default:
            4  // 32-bit integers, float, protobuf_c_boolean and enums are all C ints.
        }
    }

    private static func isPointer(_ type: ProtobufCType) -> Bool {
        type == PROTOBUF_C_TYPE_STRING || type == PROTOBUF_C_TYPE_MESSAGE
    }

    /// The fields of a message descriptor, in tag order.
    static func fields(of descriptor: UnsafePointer<ProtobufCMessageDescriptor>) -> [CFieldLayout] {
        let count = Int(descriptor.pointee.n_fields)
        guard count > 0, let fields = descriptor.pointee.fields else { return [] }
        return (0..<count).map { CFieldLayout(fields + $0) }
    }
}
