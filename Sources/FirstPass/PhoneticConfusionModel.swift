public import Phonetics
import Synchronization

/// What a first-pass recogniser may confuse a word with: homophones, near-homophones, word
/// splits and merges, and short words it may insert.
///
/// Built once from a lexicon and corpus counts and shared by all simulations. Per-word
/// candidate lists are computed on first use and cached, guarded by a `Mutex`, so the model
/// is a `Sendable` reference type that concurrent simulations can share.
public final class PhoneticConfusionModel: Sendable {
    /// A word the recogniser may output instead of a reference word.
    public struct Candidate: Sendable, Hashable {
        public var word: String
        /// Weighted phonetic edit distance to the reference word (0 for a homophone).
        public var distance: Double
        /// Natural-log unigram probability of the candidate.
        public var logProbability: Double
    }

    public let lexicon: Lexicon
    public let frequencies: WordFrequencies
    public let homophones: HomophoneIndex
    public let nearHomophones: NearHomophoneIndex
    /// Frequent short words (≤ 2 phones) that a recogniser inserts, most frequent first.
    public let insertableWords: [String]
    private let wordsByPhones: [[Phone]: [String]]
    private let cache = Mutex<[String: [Candidate]]>([:])
    /// Per-word arc options (see `arcOptions(for:)`).
    let arcOptionCache = Mutex<[String: [ArcOption]]>([:])
    private let maximumDistance: Double
    private let candidateLimit: Int

    /// Builds the model.
    ///
    /// - Parameters:
    ///   - minimumCount: corpus count a word needs to be output by the simulated recogniser.
    ///   - maximumDistance: largest near-homophone distance considered.
    ///   - candidatesPerWord: substitution candidates kept per word.
    public init(
        lexicon: Lexicon, frequencies: WordFrequencies, minimumCount: Int = 2, maximumDistance: Double = 1.0,
        candidatesPerWord: Int = 8
    ) {
        self.lexicon = lexicon
        self.frequencies = frequencies
        self.homophones = HomophoneIndex(
            lexicon: lexicon, frequencies: frequencies, minimumCount: minimumCount)
        self.nearHomophones = NearHomophoneIndex(
            lexicon: lexicon, frequencies: frequencies, minimumCount: minimumCount)
        self.maximumDistance = maximumDistance
        self.candidateLimit = candidatesPerWord
        var byPhones: [[Phone]: [String]] = [:]
        var insertable: [(String, Int)] = []
        for (word, count) in frequencies.counts where count >= minimumCount {
            guard let pronunciations = lexicon.entries[word] else { continue }
            for pronunciation in pronunciations { byPhones[pronunciation.phones, default: []].append(word) }
            if pronunciations[0].phones.count <= 2 { insertable.append((word, count)) }
        }
        let frequencies = frequencies
        self.wordsByPhones = byPhones.mapValues { words in
            words.sorted {
                frequencies.count(of: $0) != frequencies.count(of: $1)
                    ? frequencies.count(of: $0) > frequencies.count(of: $1) : $0 < $1
            }
        }
        self.insertableWords = insertable.sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }.prefix(6).map(
            \.0)
    }

    /// Substitution candidates for `word`: homophones and near-homophones, best first by
    /// closeness plus frequency (`-distance + 0.25·log P`), at most `candidatesPerWord`.
    public func substitutions(for word: String) -> [Candidate] {
        if let cached = cache.withLock({ $0[word] }) { return cached }
        let scored = nearHomophones.neighbors(of: word, within: maximumDistance).map {
            Candidate(
                word: $0.word, distance: $0.distance, logProbability: frequencies.logProbability(of: $0.word))
        }
        let ranked = scored.sorted {
            let (a, b) = (-$0.distance * 4 + $0.logProbability, -$1.distance * 4 + $1.logProbability)
            return a != b ? a > b : $0.word < $1.word
        }
        let result = Array(ranked.prefix(candidateLimit))
        cache.withLock { $0[word] = result }
        return result
    }

    /// Pairs of words whose concatenated pronunciations equal a pronunciation of `word`
    /// ("into" → "in to"), most frequent pair first, at most `limit`.
    public func splits(of word: String, limit: Int = 2) -> [[String]] {
        var pairs: [([String], Double)] = []
        for pronunciation in lexicon.pronunciations(of: word) {
            let phones = pronunciation.phones
            guard phones.count >= 2 else { continue }
            for cut in 1..<phones.count {
                guard let left = wordsByPhones[Array(phones[..<cut])]?.first,
                    let right = wordsByPhones[Array(phones[cut...])]?.first
                else { continue }
                let score = frequencies.logProbability(of: left) + frequencies.logProbability(of: right)
                if !pairs.contains(where: { $0.0 == [left, right] }) {
                    pairs.append(([left, right], score))
                }
            }
        }
        return pairs.sorted { $0.1 > $1.1 }.prefix(limit).map(\.0)
    }

    /// A word whose pronunciation equals the concatenation of `first`'s and `second`'s
    /// ("in" + "to" → "into"), the most frequent one, if any.
    public func merge(_ first: String, _ second: String) -> String? {
        for a in lexicon.pronunciations(of: first) {
            for b in lexicon.pronunciations(of: second) {
                if let word = wordsByPhones[a.phones + b.phones]?.first(where: { $0 != first && $0 != second }
                ) {
                    return word
                }
            }
        }
        return nil
    }

    /// The phones of a word's primary pronunciation, `nil` when the lexicon lacks it.
    public func primaryPhones(of word: String) -> [Phone]? { lexicon.pronunciations(of: word).first?.phones }
}
