/// An n-gram language model in backoff form, exactly what an ARPA file holds.
///
/// Each listed n-gram has a log10 probability and, when it is the context of longer n-grams, a
/// log10 backoff weight. The probability of a word after a context is that of the longest listed
/// n-gram ending the context with the word, times the backoff weights of the contexts skipped on
/// the way down (ARPA semantics). An interpolated Kneser-Ney model is exactly of this form: the
/// listed probabilities are the interpolated ones, and the backoff weight of a context is its
/// interpolation weight.
public struct BackoffNGramModel: Sendable {
    /// One listed n-gram.
    public struct Entry: Sendable, Hashable {
        public var log10Probability: Double
        /// 0 (weight 1) when the n-gram is not a context of longer ones.
        public var log10Backoff: Double

        public init(log10Probability: Double, log10Backoff: Double = 0) {
            self.log10Probability = log10Probability
            self.log10Backoff = log10Backoff
        }
    }

    /// The probability ARPA files give `<s>`, which is never predicted.
    public static let startLog10Probability = -99.0
    /// The longest order whose ids fit one key.
    public static let maximumOrder = 3

    public let vocabulary: NGramVocabulary
    public let order: Int
    /// `tables[n - 1]`: the n-grams of order n by packed ids (`key`).
    let tables: [[UInt64: Entry]]
    /// `continuationContexts[n - 1]`: the n-grams that are the context of a listed (n+1)-gram.
    let continuationContexts: [Set<UInt64>]

    /// A model from its tables, checked: every vocabulary word has a unigram, and every n-gram's
    /// context and suffix are listed (as ARPA requires).
    init(vocabulary: NGramVocabulary, tables: [[UInt64: Entry]]) throws(NGramError) {
        guard (1...Self.maximumOrder).contains(tables.count) else {
            throw NGramError("order \(tables.count) is not between 1 and \(Self.maximumOrder)")
        }
        for id in 0..<Int32(vocabulary.count) where tables[0][Self.key([id])] == nil {
            throw NGramError("the word \"\(vocabulary.words[Int(id)])\" has no unigram")
        }
        for n in stride(from: 2, through: tables.count, by: 1) {
            for key in tables[n - 1].keys {
                let ids = Self.ids(of: key, order: n)
                guard tables[n - 2][Self.key(ids.dropLast())] != nil,
                    tables[n - 2][Self.key(ids.dropFirst())] != nil
                else {
                    let words = ids.map { vocabulary.words[Int($0)] }.joined(separator: " ")
                    throw NGramError("the \(n)-gram \"\(words)\" lacks its context or suffix")
                }
            }
        }
        self.vocabulary = vocabulary
        self.tables = tables
        continuationContexts = tables.indices.map { index in
            index + 1 < tables.count ? Set(tables[index + 1].keys.lazy.map { $0 >> 21 }) : []
        }
        order = tables.count
    }

    /// Number of listed n-grams of each order (index 0: unigrams).
    public var counts: [Int] { tables.map(\.count) }

    /// The listed n-gram of `ids` (oldest first), if any.
    public func entry(_ ids: some Collection<Int32>) -> Entry? {
        guard (1...order).contains(ids.count) else { return nil }
        return tables[ids.count - 1][Self.key(ids)]
    }

    /// log10 P(`word` | `context`), `context` oldest first; only its last `order - 1` ids count.
    public func log10Probability(of word: Int32, after context: some BidirectionalCollection<Int32>) -> Double
    {
        var history = Array(context.suffix(order - 1))
        var backoff = 0.0
        while true {
            if let entry = tables[history.count][Self.key(history + [word])] {
                return backoff + entry.log10Probability
            }
            // Unigrams exist for every vocabulary word (checked at init); an id outside it has none.
            guard !history.isEmpty else { return -.infinity }
            if let context = tables[history.count - 1][Self.key(history)] {
                backoff += context.log10Backoff
            }
            history.removeFirst()
        }
    }

    /// Packs up to three ids (21 bits each), oldest in the highest bits.
    static func key(_ ids: some Sequence<Int32>) -> UInt64 {
        ids.reduce(0) { ($0 << 21) | UInt64($1) }
    }

    /// The ids of a key of order `order`, oldest first.
    static func ids(of key: UInt64, order: Int) -> [Int32] {
        (0..<order).reversed().map { Int32(truncatingIfNeeded: (key >> (21 * UInt64($0))) & 0x1F_FFFF) }
    }
}
