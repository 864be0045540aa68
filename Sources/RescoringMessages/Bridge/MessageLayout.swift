import CProtobufC
import Synchronization

/// What the bridge needs to know about one field of a protobuf-c message struct.
///
/// Read once from `ProtobufCFieldDescriptor`: where the member and its quantifier live, how
/// wide one element is, and how presence is expressed (oneof case, `has_` flag, pointer,
/// repeat count).
struct FieldLayout: Sendable {
    enum Presence: Sendable {
        /// proto3 plain field: always present for scalars, non-null for messages and strings.
        case implicit
        /// proto2 `optional` scalar: a `protobuf_c_boolean has_x` at the quantifier offset.
        case hasFlag
        /// A oneof member: the oneof's case enum at the quantifier offset equals the field id.
        case oneofCase
        /// A repeated field: a `size_t n_x` at the quantifier offset, an array pointer at offset.
        case repeated
    }

    let name: String
    let id: UInt32
    let typeRawValue: UInt32
    let offset: Int
    let quantifierOffset: Int
    let presence: Presence
    /// Bytes one value takes in the C struct or in a repeated array.
    let elementSize: Int
    /// The address of the nested message descriptor of a message field, else 0.
    let nestedDescriptorAddress: UInt

    init(_ field: ProtobufCFieldDescriptor) {
        name = String(cString: field.name)
        id = field.id
        typeRawValue = field.type.rawValue
        offset = Int(field.offset)
        quantifierOffset = Int(field.quantifier_offset)
        let isPointer = field.type == PROTOBUF_C_TYPE_STRING || field.type == PROTOBUF_C_TYPE_MESSAGE
        if field.label == PROTOBUF_C_LABEL_REPEATED {
            presence = .repeated
        } else if field.flags & UInt32(PROTOBUF_C_FIELD_FLAG_ONEOF.rawValue) != 0 {
            presence = .oneofCase
        } else if field.label == PROTOBUF_C_LABEL_OPTIONAL && !isPointer {
            presence = .hasFlag
        } else {
            presence = .implicit
        }
        switch field.type {
        case PROTOBUF_C_TYPE_INT64, PROTOBUF_C_TYPE_SINT64, PROTOBUF_C_TYPE_SFIXED64,
            PROTOBUF_C_TYPE_UINT64, PROTOBUF_C_TYPE_FIXED64, PROTOBUF_C_TYPE_DOUBLE:
            elementSize = 8
        case PROTOBUF_C_TYPE_STRING, PROTOBUF_C_TYPE_MESSAGE:
            elementSize = MemoryLayout<UnsafeRawPointer>.size
        case PROTOBUF_C_TYPE_BYTES:
            elementSize = MemoryLayout<ProtobufCBinaryData>.size
        default:
            elementSize = 4  // 32-bit integers, float, protobuf_c_boolean and enums are all C ints.
        }
        nestedDescriptorAddress =
            field.type == PROTOBUF_C_TYPE_MESSAGE ? UInt(bitPattern: field.descriptor) : 0
    }

    var type: ProtobufCType { ProtobufCType(rawValue: typeRawValue) }

    /// The nested message descriptor of a message field.
    var messageDescriptor: UnsafePointer<ProtobufCMessageDescriptor> {
        UnsafePointer(bitPattern: nestedDescriptorAddress)!
    }
}

/// The fields of one message type, read once from its descriptor and then shared.
///
/// Reading a descriptor makes a `String` per field name; caching the result keeps encoding and
/// decoding free of that work. A class, so that handing the cached layout out costs one retain.
final class MessageLayout: Sendable {
    let messageName: String
    /// Fields in tag order.
    let fields: [FieldLayout]
    let indexByName: [String: Int]
    let indexByNumber: [UInt32: Int]

    private init(_ descriptor: UnsafePointer<ProtobufCMessageDescriptor>) {
        messageName = String(cString: descriptor.pointee.name)
        let count = Int(descriptor.pointee.n_fields)
        if count > 0, let fields = descriptor.pointee.fields {
            self.fields = (0..<count).map { FieldLayout(fields[$0]) }
        } else {
            self.fields = []
        }
        indexByName = Dictionary(
            fields.enumerated().map { ($0.element.name, $0.offset) }, uniquingKeysWith: { first, _ in first })
        indexByNumber = Dictionary(
            fields.enumerated().map { ($0.element.id, $0.offset) }, uniquingKeysWith: { first, _ in first })
    }

    /// Descriptor address → layout. Descriptors are static data of the generated code, so
    /// their addresses are stable for the life of the process.
    private static let cache = Mutex<[UInt: MessageLayout]>([:])

    /// The layout of `descriptor`, computed on first use.
    static func of(_ descriptor: UnsafePointer<ProtobufCMessageDescriptor>) -> MessageLayout {
        let key = UInt(bitPattern: descriptor)
        if let layout = cache.withLock({ $0[key] }) { return layout }
        let layout = MessageLayout(descriptor)
        cache.withLock { $0[key] = layout }
        return layout
    }
}
