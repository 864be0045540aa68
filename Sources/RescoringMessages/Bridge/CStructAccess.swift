import CProtobufC
import Foundation

/// Reads members of unpacked protobuf-c structs for the message types that convert themselves
/// directly (`ProtoMessage.init(unpacked:)`), without the field tree.
///
/// The members are the generated C struct's own, so the compiler resolves every offset; strings
/// were already checked on the wire by `WireStringValidator` (valid UTF-8, no U+0000).
enum CStructReading {
    /// The C struct of an unpacked message of C type `C`.
    static func load<C>(_ message: UnpackedCMessage, as type: C.Type) -> C {
        message.pointer.load(as: C.self)
    }

    /// A string member; `""` for the null pointer.
    static func string(_ pointer: UnsafeMutablePointer<CChar>?) -> String {
        guard let pointer else { return "" }
        let count = strlen(pointer)
        return String(unsafeUninitializedCapacity: count) { buffer in
            _ = UnsafeMutableRawBufferPointer(buffer).initializeMemory(
                as: UInt8.self, from: UnsafeRawBufferPointer(start: pointer, count: count))
            return count
        }
    }

    /// A repeated scalar member whose C representation is the Swift type (`int32_t` → `Int32`...).
    static func scalars<T>(_ pointer: UnsafeMutablePointer<T>?, count: Int) -> [T] {
        guard count > 0, let pointer else { return [] }
        return Array(UnsafeBufferPointer(start: pointer, count: count))
    }

    /// A repeated bytes member, each element copied out of the C message (which is freed after
    /// the call).
    static func byteArrays(_ pointer: UnsafeMutablePointer<ProtobufCBinaryData>?, count: Int) -> [[UInt8]] {
        guard count > 0, let pointer else { return [] }
        return (0..<count).map { index in
            let binary = pointer[index]
            guard binary.len > 0, let data = binary.data else { return [] }
            return Array(UnsafeBufferPointer(start: data, count: binary.len))
        }
    }

    /// A repeated string member (an array of C strings).
    static func strings(_ pointer: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?, count: Int)
        -> [String]
    {
        guard count > 0, let pointer else { return [] }
        return (0..<count).map { string(pointer[$0]) }
    }

    /// A singular sub-message member; `nil` for the null pointer (absent).
    static func message<M: ProtoMessage, C>(_ pointer: UnsafeMutablePointer<C>?, as type: M.Type) throws -> M?
    {
        guard let pointer else { return nil }
        return try M(unpacked: UnpackedCMessage(pointer: pointer, descriptor: M.protoDescriptor.pointer))
    }

    /// A repeated sub-message member (an array of struct pointers).
    static func messages<M: ProtoMessage, C>(
        _ pointer: UnsafeMutablePointer<UnsafeMutablePointer<C>?>?, count: Int, as type: M.Type
    ) throws -> [M] {
        guard count > 0, let pointer else { return [] }
        let descriptor = M.protoDescriptor.pointer
        var result: [M] = []
        result.reserveCapacity(count)
        for index in 0..<count {
            guard let element = pointer[index] else { continue }
            result.append(try M(unpacked: UnpackedCMessage(pointer: element, descriptor: descriptor)))
        }
        return result
    }

    /// An enum member as its proto number.
    static func enumNumber<E: RawRepresentable>(_ value: E) -> Int32 where E.RawValue: BinaryInteger {
        Int32(truncatingIfNeeded: value.rawValue)
    }
}

/// Fills members of protobuf-c structs being built for packing, for the message types that
/// convert themselves directly (`ProtoMessage.cMessage(in:)`). Everything lives in the arena.
extension CMessageBuilder {
    /// A zeroed struct of C type `C`, set to its defaults by the generated `*__init`.
    func newStruct<C>(_ initialiser: (UnsafeMutablePointer<C>) -> Void) -> UnsafeMutablePointer<C> {
        let pointer = arena.allocate(byteCount: MemoryLayout<C>.stride).bindMemory(to: C.self, capacity: 1)
        initialiser(pointer)
        return pointer
    }

    /// A C string for a string member, or `nil` for `""` (the struct's default, the empty
    /// string, stays: proto3 does not encode it).
    ///
    /// - Throws: `ProtoBridgeError.embeddedNUL` when `string` holds U+0000.
    func string<M: ProtoMessage>(
        _ string: String, field: String, of type: M.Type
    ) throws -> UnsafeMutablePointer<CChar>? {
        if string.isEmpty { return nil }
        return try presentString(string, field: field, of: type)
    }

    /// A C string for a oneof string member, which must be set even when empty (presence).
    ///
    /// - Throws: `ProtoBridgeError.embeddedNUL` when `string` holds U+0000.
    func presentString<M: ProtoMessage>(
        _ string: String, field: String, of type: M.Type
    ) throws -> UnsafeMutablePointer<CChar> {
        guard let cString = arena.cString(string) else {
            throw ProtoBridgeError(
                .embeddedNUL, messageName: M.protoMessageName, fieldPath: field,
                message: "strings must not contain U+0000 (protobuf-c strings are NUL-terminated)")
        }
        return cString
    }

    /// The binary-data array of a repeated bytes member, `nil` when empty.
    func byteArrays(_ arrays: [[UInt8]]) -> UnsafeMutablePointer<ProtobufCBinaryData>? {
        guard !arrays.isEmpty else { return nil }
        let array = arena.allocate(byteCount: arrays.count * MemoryLayout<ProtobufCBinaryData>.stride)
            .bindMemory(to: ProtobufCBinaryData.self, capacity: arrays.count)
        for (index, bytes) in arrays.enumerated() {
            array[index] = ProtobufCBinaryData(len: bytes.count, data: arena.bytes(bytes))
        }
        return array
    }

    /// The C string array of a repeated string member, `nil` when empty (every element is
    /// non-null, `""` included).
    ///
    /// - Throws: `ProtoBridgeError.embeddedNUL` when an element holds U+0000.
    func strings<M: ProtoMessage>(
        _ strings: [String], field: String, of type: M.Type
    ) throws -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? {
        guard !strings.isEmpty else { return nil }
        let array = arena.allocate(
            byteCount: strings.count * MemoryLayout<UnsafeMutablePointer<CChar>?>.stride
        )
        .bindMemory(to: UnsafeMutablePointer<CChar>?.self, capacity: strings.count)
        for (index, string) in strings.enumerated() {
            array[index] = try presentString(string, field: field, of: type)
        }
        return array
    }

    /// A copy of `values` for a repeated scalar member, `nil` when empty.
    func scalars<T>(_ values: [T]) -> UnsafeMutablePointer<T>? {
        guard !values.isEmpty else { return nil }
        let pointer = arena.allocate(byteCount: values.count * MemoryLayout<T>.stride)
        values.withUnsafeBytes { pointer.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
        return pointer.assumingMemoryBound(to: T.self)
    }

    /// The struct of a singular sub-message member, `nil` when absent.
    func message<M: ProtoMessage, C>(_ message: M?, as type: C.Type) throws -> UnsafeMutablePointer<C>? {
        guard let message else { return nil }
        return try message.cMessage(in: self).assumingMemoryBound(to: C.self)
    }

    /// The struct pointer array of a repeated sub-message member, `nil` when empty.
    func messages<M: ProtoMessage, C>(
        _ messages: [M], as type: C.Type
    ) throws -> UnsafeMutablePointer<UnsafeMutablePointer<C>?>? {
        guard !messages.isEmpty else { return nil }
        let array = arena.allocate(byteCount: messages.count * MemoryLayout<UnsafeMutablePointer<C>?>.stride)
            .bindMemory(to: UnsafeMutablePointer<C>?.self, capacity: messages.count)
        for (index, message) in messages.enumerated() {
            array[index] = try message.cMessage(in: self).assumingMemoryBound(to: C.self)
        }
        return array
    }
}
