import Foundation
import RescoringMessages
import SecondPassTestSupport

/// A message's field tree in the exact text form `Tests/Interop/proto_crosscheck.py` uses.
///
/// Both sides turn a decoded message into this form (every plain scalar, set oneof members,
/// present sub-messages, non-empty repeated fields; numbers as exact text), so a comparison is
/// a plain equality with no floating-point or 64-bit JSON pitfalls.
indirect enum CanonicalTree: Equatable, CustomStringConvertible {
    case text(String)
    case list([CanonicalTree])
    case object([String: CanonicalTree])

    init(_ fields: ProtoFields) {
        var object: [String: CanonicalTree] = [:]
        for (name, value) in fields.values {
            if case .repeated(let elements) = value, elements.isEmpty { continue }
            object[name] = CanonicalTree(value)
        }
        self = .object(object)
    }

    init(_ value: ProtoValue) {
        switch value {
        case .int32(let v): self = .text(String(v))
        case .int64(let v): self = .text(String(v))
        case .uint32(let v): self = .text(String(v))
        case .uint64(let v): self = .text(String(v))
        case .enumeration(let v): self = .text(String(v))
        case .float(let v): self = .text(Self.hex(UInt64(v.bitPattern), digits: 8))
        case .double(let v): self = .text(Self.hex(v.bitPattern, digits: 16))
        case .bool(let v): self = .text(v ? "true" : "false")
        case .string(let v): self = .text(v)
        case .bytes(let v): self = .text(Data(v).base64EncodedString())
        case .message(let fields): self = CanonicalTree(fields)
        case .repeated(let elements): self = .list(elements.map(CanonicalTree.init))
        }
    }

    /// Reads the JSON form produced by `JSONSerialization`.
    init(json: Any) throws {
        switch json {
        case let text as String: self = .text(text)
        case let list as [Any]: self = .list(try list.map(CanonicalTree.init(json:)))
        case let object as [String: Any]: self = .object(try object.mapValues(CanonicalTree.init(json:)))
        default: throw PythonPeer.Failure(description: "unexpected JSON value \(json)")
        }
    }

    var json: Any {
        switch self {
        case .text(let text): text
        case .list(let list): list.map(\.json)
        case .object(let object): object.mapValues(\.json)
        }
    }

    var description: String {
        let data = try? JSONSerialization.data(
            withJSONObject: json, options: [.sortedKeys, .fragmentsAllowed])
        return data.map { String(decoding: $0, as: UTF8.self) } ?? "?"
    }

    private static func hex(_ bits: UInt64, digits: Int) -> String {
        let text = String(bits, radix: 16)
        return String(repeating: "0", count: digits - text.count) + text
    }
}
