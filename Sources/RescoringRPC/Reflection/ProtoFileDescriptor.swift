/// One `.proto` file of Protos/ as server reflection serves it: the serialized
/// `FileDescriptorProto` protoc made, with the names reflection looks it up by.
///
/// The instances are generated (`ProtoFileDescriptor+Generated.swift`, by Scripts/generate-protos,
/// which `--check` keeps current), so reflection needs no protobuf descriptor library at run time.
public struct ProtoFileDescriptor: Sendable, Hashable {
    /// The file's path under Protos/, e.g. `grpc/health/v1/health.proto`.
    public let name: String
    /// The names of the files it imports.
    public let dependencies: [String]
    /// Every fully qualified symbol it declares: messages, fields, enums, enum values, services,
    /// methods.
    public let symbols: [String]
    /// The serialized `google.protobuf.FileDescriptorProto`.
    public let serialized: [UInt8]

    /// Creates a descriptor from generated data; `hex` may contain whitespace between byte pairs.
    init(name: String, dependencies: [String], symbols: [String], hex: String) {
        self.name = name
        self.dependencies = dependencies
        self.symbols = symbols
        self.serialized = Self.bytes(fromHex: hex, of: name)
    }

    private static func bytes(fromHex hex: String, of name: String) -> [UInt8] {
        let digits = hex.utf8.compactMap { character -> UInt8? in
            switch character {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): character - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): character - UInt8(ascii: "a") + 10
            default: nil
            }
        }
        // The generator writes whole bytes; an odd digit count would be a generator bug.
        precondition(digits.count.isMultiple(of: 2), "ProtoFileDescriptor: odd hex digit count in \(name)")
        return stride(from: 0, to: digits.count, by: 2).map { digits[$0] << 4 | digits[$0 + 1] }
    }
}
