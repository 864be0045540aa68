/// Maps words to dense integer ids so alignment compares integers, not strings.
///
/// The aligner's inner loop runs n·m times per utterance; comparing `Int32`s there instead of
/// strings is what makes corpus scoring fast. One interner is shared by reference and hypothesis
/// so equal words get equal ids.
public struct WordInterner: Sendable {
    private var idsByWord: [Substring: Int32] = [:]
    private(set) public var words: [String] = []

    public init() {}

    /// Number of distinct words seen so far.
    public var count: Int { words.count }

    /// The id of `word`, assigning the next free id the first time the word is seen.
    public mutating func id(of word: Substring) -> Int32 {
        if let id = idsByWord[word] { return id }
        let id = Int32(words.count)
        idsByWord[word] = id
        words.append(String(word))
        return id
    }

    /// Ids of the space-separated words of `text` (runs of spaces never make empty words).
    public mutating func ids(ofText text: String) -> [Int32] {
        text.split(separator: " ", omittingEmptySubsequences: true).map { id(of: $0) }
    }

    /// Ids of already-split words.
    public mutating func ids<S: StringProtocol>(ofWords words: [S]) -> [Int32] {
        words.map { id(of: Substring($0)) }
    }

    /// The word with id `id`.
    public func word(_ id: Int32) -> String { words[Int(id)] }
}
