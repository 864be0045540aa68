/// Groups of words that sound the same (identical phones, stress ignored), restricted to
/// words frequent enough in a corpus to be real, current words.
///
/// Without the frequency filter the CMU dictionary pairs "wood" with "woode" and "would";
/// a perturbation should only ever produce words a reader would recognise.
public struct HomophoneIndex: Sendable {
    /// Phone sequence → member words, most frequent first (only groups with ≥ 2 members).
    public let groups: [[Phone]: [String]]
    /// Word → every other word sharing one of its pronunciations, most frequent first.
    private let alternativesByWord: [String: [String]]
    /// Word → its corpus count (for weighting).
    private let countByWord: [String: Int]

    /// Builds the index.
    ///
    /// - Parameters:
    ///   - lexicon: pronunciations.
    ///   - frequencies: corpus counts; a word takes part only if its count ≥ `minimumCount`.
    ///   - minimumCount: frequency threshold (1 keeps every word seen in the corpus).
    public init(lexicon: Lexicon, frequencies: WordFrequencies, minimumCount: Int = 1) {
        var membersByPhones: [[Phone]: Set<String>] = [:]
        var counts: [String: Int] = [:]
        for (word, count) in frequencies.counts where count >= minimumCount {
            guard let pronunciations = lexicon.entries[word] else { continue }
            counts[word] = count
            for pronunciation in pronunciations {
                membersByPhones[pronunciation.phones, default: []].insert(word)
            }
        }
        let order: (String, String) -> Bool = { a, b in
            let (ca, cb) = (counts[a] ?? 0, counts[b] ?? 0)
            return ca != cb ? ca > cb : a < b
        }
        var groups: [[Phone]: [String]] = [:]
        var alternatives: [String: Set<String>] = [:]
        for (phones, members) in membersByPhones where members.count >= 2 {
            groups[phones] = members.sorted(by: order)
            for member in members {
                alternatives[member, default: []].formUnion(members.subtracting([member]))
            }
        }
        self.groups = groups
        self.alternativesByWord = alternatives.mapValues { $0.sorted(by: order) }
        self.countByWord = counts
    }

    /// The other members of `word`'s homophone groups, most frequent first (case-insensitive;
    /// empty when the word has no homophone).
    public func homophones(of word: some StringProtocol) -> [String] {
        alternativesByWord[word.lowercased()] ?? []
    }

    /// Whether `word` has at least one homophone.
    public func hasHomophone(_ word: some StringProtocol) -> Bool {
        alternativesByWord[word.lowercased()] != nil
    }

    /// The corpus count of an indexed word (0 if it is not indexed).
    public func count(of word: some StringProtocol) -> Int { countByWord[word.lowercased()] ?? 0 }

    /// Number of words that have at least one homophone.
    public var wordsWithHomophones: Int { alternativesByWord.count }
}
