/// A pronouncing dictionary: lower-cased words to their pronunciations, variants kept in
/// dictionary order.
///
/// Lookups lower-case the query, so upper-case corpora (LibriSpeech style) work unchanged.
public struct Lexicon: Sendable {
    /// Word → pronunciations (first is the dictionary's primary one); no duplicates.
    public private(set) var entries: [String: [Pronunciation]]

    public init(entries: [String: [Pronunciation]] = [:]) {
        self.entries = [:]
        for (word, pronunciations) in entries {
            for pronunciation in pronunciations { add(word: word, pronunciation: pronunciation) }
        }
    }

    /// Number of distinct words.
    public var wordCount: Int { entries.count }

    /// Adds a pronunciation variant unless the word already has it.
    public mutating func add(word: String, pronunciation: Pronunciation) {
        let key = word.lowercased()
        var list = entries[key, default: []]
        if !list.contains(where: { $0.phones == pronunciation.phones }) {
            list.append(pronunciation)
        }
        entries[key] = list
    }

    /// The pronunciations of `word` (case-insensitive); empty when unknown.
    public func pronunciations(of word: some StringProtocol) -> [Pronunciation] {
        entries[word.lowercased()] ?? []
    }

    /// Whether the dictionary knows `word`.
    public func contains(_ word: some StringProtocol) -> Bool {
        entries[word.lowercased()] != nil
    }

    /// Every distinct phone sequence of a word sequence (the cartesian product of variants),
    /// up to `limit` sequences; `nil` if some word is not in the dictionary.
    ///
    /// Used to check that a perturbation keeps the sound of a sentence.
    public func phoneSequences(of words: [some StringProtocol], limit: Int = 4096) -> Set<[Phone]>? {
        var sequences: Set<[Phone]> = [[]]
        for word in words {
            let variants = Set(pronunciations(of: word).map(\.phones))
            if variants.isEmpty { return nil }
            var next: Set<[Phone]> = []
            for prefix in sequences {
                for variant in variants where next.count < limit { next.insert(prefix + variant) }
            }
            sequences = next
        }
        return sequences
    }
}
