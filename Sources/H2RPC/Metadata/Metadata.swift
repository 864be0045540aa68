/// Custom gRPC metadata: an ordered multimap of lower-case keys to text or binary values.
///
/// Keys ending in `-bin` carry binary values, base64-encoded on the wire and decoded on receipt;
/// all other keys carry printable ASCII text. Order and duplicates are preserved because gRPC
/// allows repeated keys and some peers depend on their order.
public struct Metadata: Sendable, Hashable, ExpressibleByDictionaryLiteral, Sequence {
    /// One metadata value.
    public enum Value: Sendable, Hashable, ExpressibleByStringLiteral, CustomStringConvertible {
        case string(String)
        case binary([UInt8])

        public init(stringLiteral value: String) {
            self = .string(value)
        }

        public var description: String {
            switch self {
            case .string(let text): return text
            case .binary(let bytes): return "<\(bytes.count) bytes>"
            }
        }
    }

    /// One key/value pair.
    public struct Entry: Sendable, Hashable {
        public var key: String
        public var value: Value
    }

    private var entries: [Entry]

    /// Creates empty metadata.
    public init() {
        entries = []
    }

    public init(dictionaryLiteral elements: (String, Value)...) {
        entries = elements.map { Entry(key: $0.0.lowercased(), value: $0.1) }
    }

    /// Appends a text value; the key is lower-cased.
    public mutating func add(_ key: String, _ value: String) {
        entries.append(Entry(key: key.lowercased(), value: .string(value)))
    }

    /// Appends a binary value; the key is lower-cased and should end in `-bin`.
    public mutating func add(_ key: String, binary value: [UInt8]) {
        entries.append(Entry(key: key.lowercased(), value: .binary(value)))
    }

    /// Appends any value; the key is lower-cased.
    public mutating func add(_ key: String, value: Value) {
        entries.append(Entry(key: key.lowercased(), value: value))
    }

    /// Removes every value for `key`.
    public mutating func removeAll(_ key: String) {
        let key = key.lowercased()
        entries.removeAll { $0.key == key }
    }

    /// All values for `key`, in order.
    public subscript(key: String) -> [Value] {
        let key = key.lowercased()
        return entries.filter { $0.key == key }.map(\.value)
    }

    /// The first text value for `key`.
    public func firstString(_ key: String) -> String? {
        for value in self[key] {
            if case .string(let text) = value { return text }
        }
        return nil
    }

    /// The first binary value for `key`.
    public func firstBinary(_ key: String) -> [UInt8]? {
        for value in self[key] {
            if case .binary(let bytes) = value { return bytes }
        }
        return nil
    }

    /// Number of entries.
    public var count: Int { entries.count }

    /// Whether there are no entries.
    public var isEmpty: Bool { entries.isEmpty }

    public func makeIterator() -> IndexingIterator<[Entry]> {
        entries.makeIterator()
    }

    /// Appends all entries of `other`.
    public mutating func append(contentsOf other: Metadata) {
        entries.append(contentsOf: other.entries)
    }
}
