/// Maps words to dense integer ids so alignment compares integers, not strings.
///
/// The aligner's inner loop runs n·m times per utterance; comparing `Int32`s there instead of
/// strings is what makes corpus scoring fast. One interner is shared by reference and hypothesis
/// so equal words get equal ids.
///
/// Words are byte strings (UTF-8) split on the space byte; the table is open addressing over
/// FNV-1a hashes with the word bytes kept in one arena, so interning a known word costs one hash
/// and one byte comparison, with no `String` allocation. Two words are equal when their UTF-8
/// bytes are equal (normalise text first: `TextNormalizer` makes equal words byte-equal).
public struct WordInterner: Sendable {
    /// Concatenated UTF-8 bytes of every word; word i is `arena[starts[i]..<starts[i + 1]]`.
    private var arena: [UInt8] = []
    private var starts: [Int] = [0]
    private var hashes: [UInt64] = []
    /// Open-addressing slots holding a word id, or -1 when empty; capacity is a power of two.
    private var slots = [Int32](repeating: -1, count: 256)

    public init() {}

    /// Number of distinct words seen so far.
    public var count: Int { hashes.count }

    /// Every interned word, by id.
    public var words: [String] { (0..<count).map { word(Int32($0)) } }

    /// The word with id `id`.
    public func word(_ id: Int32) -> String {
        String(decoding: arena[starts[Int(id)]..<starts[Int(id) + 1]], as: UTF8.self)
    }

    /// The id of `word`, assigning the next free id the first time the word is seen.
    public mutating func id(of word: Substring) -> Int32 {
        var copy = String(word)
        copy.makeContiguousUTF8()
        if let id = copy.utf8.withContiguousStorageIfAvailable({ id(ofBytes: UnsafeRawBufferPointer($0)) }) {
            return id
        }
        return Array(copy.utf8).withUnsafeBytes { id(ofBytes: $0) }
    }

    /// Ids of the words of `text`, split on spaces (runs of spaces never make empty words).
    public mutating func ids(ofText text: String) -> [Int32] {
        var text = text
        text.makeContiguousUTF8()
        // makeContiguousUTF8 guarantees contiguous storage; the copy is a defensive fallback.
        let split = text.utf8.withContiguousStorageIfAvailable { splitAndIntern($0) }
        return split ?? Array(text.utf8).withUnsafeBufferPointer { splitAndIntern($0) }
    }

    /// Splits UTF-8 bytes on spaces and interns each word.
    private mutating func splitAndIntern(_ bytes: UnsafeBufferPointer<UInt8>) -> [Int32] {
        var ids: [Int32] = []
        var start = 0
        let count = bytes.count
        while start < count {
            while start < count, bytes[start] == 0x20 { start += 1 }
            var end = start
            while end < count, bytes[end] != 0x20 { end += 1 }
            if end > start {
                let word = UnsafeBufferPointer(rebasing: bytes[start..<end])
                ids.append(id(ofBytes: UnsafeRawBufferPointer(word)))
            }
            start = end
        }
        return ids
    }

    /// Ids of already-split words.
    public mutating func ids<S: StringProtocol>(ofWords words: [S]) -> [Int32] {
        words.map { id(of: Substring($0)) }
    }

    private mutating func id(ofBytes bytes: UnsafeRawBufferPointer) -> Int32 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash ^ (hash >> 29)) & mask
        while true {
            let candidate = slots[slot]
            if candidate < 0 { break }
            if hashes[Int(candidate)] == hash, matches(Int(candidate), bytes) { return candidate }
            slot = (slot + 1) & mask
        }
        let id = Int32(hashes.count)
        hashes.append(hash)
        arena.append(contentsOf: bytes)
        starts.append(arena.count)
        slots[slot] = id
        if hashes.count * 2 > slots.count { grow() }
        return id
    }

    private func matches(_ id: Int, _ bytes: UnsafeRawBufferPointer) -> Bool {
        let start = starts[id]
        guard starts[id + 1] - start == bytes.count else { return false }
        for offset in 0..<bytes.count where arena[start + offset] != bytes[offset] { return false }
        return true
    }

    /// Doubles the slot table and reinserts every id by its stored hash.
    private mutating func grow() {
        slots = [Int32](repeating: -1, count: slots.count * 2)
        let mask = slots.count - 1
        for (id, hash) in hashes.enumerated() {
            var slot = Int(truncatingIfNeeded: hash ^ (hash >> 29)) & mask
            while slots[slot] >= 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(id)
        }
    }
}
