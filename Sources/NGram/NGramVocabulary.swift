/// The closed word list of an n-gram model: every word it can predict, plus `<s>`, `</s>` and `<unk>`.
///
/// Words outside the list are scored as `<unk>`, so a hypothesis with a word the model never saw
/// gets a finite, small probability instead of failing. Ids are dense (`0..<count`), which lets the
/// model pack up to three of them into one dictionary key.
public struct NGramVocabulary: Sendable, Hashable {
    public static let sentenceStart = "<s>"
    public static let sentenceEnd = "</s>"
    public static let unknown = "<unk>"

    /// Ids above this do not fit three to a 63-bit key.
    public static let maximumCount = 1 << 21

    public private(set) var words: [String]
    private var ids: [String: Int32]

    /// The ids of the three special words.
    public let startID: Int32
    public let endID: Int32
    public let unknownID: Int32

    /// A vocabulary of the special words followed by `words` (duplicates and specials ignored).
    public init<S: Sequence>(words: S) throws(NGramError) where S.Element: StringProtocol {
        var list = [Self.sentenceStart, Self.sentenceEnd, Self.unknown]
        var ids: [String: Int32] = [Self.sentenceStart: 0, Self.sentenceEnd: 1, Self.unknown: 2]
        for word in words {
            let word = String(word)
            guard ids[word] == nil else { continue }
            guard !word.isEmpty, !word.contains(where: \.isWhitespace) else {
                throw NGramError("vocabulary word \"\(word)\" is empty or holds whitespace")
            }
            guard list.count < Self.maximumCount else {
                throw NGramError("more than \(Self.maximumCount) vocabulary words")
            }
            ids[word] = Int32(list.count)
            list.append(word)
        }
        self.words = list
        self.ids = ids
        startID = 0
        endID = 1
        unknownID = 2
    }

    public var count: Int { words.count }

    /// The id of `word`, or `nil` outside the vocabulary.
    public func id<S: StringProtocol>(of word: S) -> Int32? { ids[String(word)] }

    /// The id of `word`, `<unk>`'s for a word outside the vocabulary.
    public func idOrUnknown<S: StringProtocol>(_ word: S) -> Int32 { ids[String(word)] ?? unknownID }

    /// Every id that can follow a context: all words but `<s>` (never predicted).
    public var predictableIDs: [Int32] { (0..<Int32(count)).filter { $0 != startID } }
}
