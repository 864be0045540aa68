/// A Swift type that is stored in one `ProtoValue` case: numbers, `Bool`, `String`, bytes.
///
/// Lets `ProtoFields` offer one generic reader and writer instead of one per scalar type.
public protocol ProtoScalar: Sendable, Hashable {
    /// The value of an absent proto3 field.
    static var protoDefault: Self { get }
    /// The kind name used in mismatch errors.
    static var protoKindName: String { get }
    /// Extracts the value, or `nil` when `protoValue` is another kind.
    init?(protoValue: ProtoValue)
    var protoValue: ProtoValue { get }
}

extension Int32: ProtoScalar {
    public static var protoDefault: Int32 { 0 }
    public static var protoKindName: String { "int32" }
    public init?(protoValue: ProtoValue) {
        guard case .int32(let value) = protoValue else { return nil }
        self = value
    }
    public var protoValue: ProtoValue { .int32(self) }
}

extension Int64: ProtoScalar {
    public static var protoDefault: Int64 { 0 }
    public static var protoKindName: String { "int64" }
    public init?(protoValue: ProtoValue) {
        guard case .int64(let value) = protoValue else { return nil }
        self = value
    }
    public var protoValue: ProtoValue { .int64(self) }
}

extension UInt32: ProtoScalar {
    public static var protoDefault: UInt32 { 0 }
    public static var protoKindName: String { "uint32" }
    public init?(protoValue: ProtoValue) {
        guard case .uint32(let value) = protoValue else { return nil }
        self = value
    }
    public var protoValue: ProtoValue { .uint32(self) }
}

extension UInt64: ProtoScalar {
    public static var protoDefault: UInt64 { 0 }
    public static var protoKindName: String { "uint64" }
    public init?(protoValue: ProtoValue) {
        guard case .uint64(let value) = protoValue else { return nil }
        self = value
    }
    public var protoValue: ProtoValue { .uint64(self) }
}

extension Float: ProtoScalar {
    public static var protoDefault: Float { 0 }
    public static var protoKindName: String { "float" }
    public init?(protoValue: ProtoValue) {
        guard case .float(let value) = protoValue else { return nil }
        self = value
    }
    public var protoValue: ProtoValue { .float(self) }
}

extension Double: ProtoScalar {
    public static var protoDefault: Double { 0 }
    public static var protoKindName: String { "double" }
    public init?(protoValue: ProtoValue) {
        guard case .double(let value) = protoValue else { return nil }
        self = value
    }
    public var protoValue: ProtoValue { .double(self) }
}

extension Bool: ProtoScalar {
    public static var protoDefault: Bool { false }
    public static var protoKindName: String { "bool" }
    public init?(protoValue: ProtoValue) {
        guard case .bool(let value) = protoValue else { return nil }
        self = value
    }
    public var protoValue: ProtoValue { .bool(self) }
}

extension String: ProtoScalar {
    public static var protoDefault: String { "" }
    public static var protoKindName: String { "string" }
    public init?(protoValue: ProtoValue) {
        guard case .string(let value) = protoValue else { return nil }
        self = value
    }
    public var protoValue: ProtoValue { .string(self) }
}

extension Array: ProtoScalar where Element == UInt8 {
    public static var protoDefault: [UInt8] { [] }
    public static var protoKindName: String { "bytes" }
    public init?(protoValue: ProtoValue) {
        guard case .bytes(let value) = protoValue else { return nil }
        self = value
    }
    public var protoValue: ProtoValue { .bytes(self) }
}
