/// Header names and values received recently on one connection, handed out again as the same
/// `String` when the same bytes arrive.
///
/// A client repeats `:path`, `content-type`, `user-agent`, `te` and most other fields on every
/// call; decoding each into a new `String` cost a UTF-8 validation per field and, above 15 bytes,
/// a heap allocation and its release per field per call. A hit costs a length check and a byte
/// comparison. Bounded: `capacity` entries of at most `maximumLength` bytes, replaced in turn, so
/// a client sending ever-different fields only makes every lookup a miss. Event-loop confined.
struct HeaderStringCache {
    static let capacity = 16
    static let maximumLength = 128

    private var entries: [String] = []
    private var nextReplaced = 0

    /// The string for `bytes` (decoded as UTF-8, invalid sequences repaired).
    mutating func string(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        guard bytes.count <= Self.maximumLength else { return String(decoding: bytes, as: UTF8.self) }
        for index in entries.indices where Self.matches(&entries[index], bytes) {
            return entries[index]
        }
        let text = String(decoding: bytes, as: UTF8.self)
        if entries.count < Self.capacity {
            entries.append(text)
        } else {
            entries[nextReplaced] = text
            nextReplaced = (nextReplaced + 1) % Self.capacity
        }
        return text
    }

    private static func matches(_ text: inout String, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard text.utf8.count == bytes.count else { return false }
        return text.withUTF8 { $0.elementsEqual(bytes) }
    }
}
