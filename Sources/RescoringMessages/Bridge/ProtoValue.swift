/// One field value in the generic, descriptor-shaped tree the protobuf-c bridge works on.
///
/// The bridge turns every protobuf-c message into this tree and back, so that message types only
/// map themselves to named values and never touch C memory. Integer cases are grouped by their
/// Swift representation (`sint32`, `sfixed32` and `int32` all become `.int32`), because the wire
/// encoding is the C descriptor's business, not the message type's.
public enum ProtoValue: Sendable, Hashable {
    case int32(Int32)
    case int64(Int64)
    case uint32(UInt32)
    case uint64(UInt64)
    case float(Float)
    case double(Double)
    case bool(Bool)
    /// An enum's raw number; unknown numbers are kept, as proto3 open enums require.
    case enumeration(Int32)
    case string(String)
    case bytes([UInt8])
    case message(ProtoFields)
    /// The values of a repeated field, in wire order.
    case repeated([ProtoValue])

    /// A short name of the value's kind, for error messages.
    public var kindName: String {
        switch self {
        case .int32: "int32"
        case .int64: "int64"
        case .uint32: "uint32"
        case .uint64: "uint64"
        case .float: "float"
        case .double: "double"
        case .bool: "bool"
        case .enumeration: "enum"
        case .string: "string"
        case .bytes: "bytes"
        case .message: "message"
        case .repeated: "repeated"
        }
    }
}
