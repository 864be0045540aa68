import Foundation

/// Interpolated modified Kneser-Ney estimation (Chen & Goodman 1998), the n-gram baseline every
/// practitioner tries first.
///
/// Sentences are framed `<s> … </s>`. The highest order uses raw counts; a lower-order n-gram uses
/// its continuation count (the number of distinct words seen before it), except one that starts with
/// `<s>`, which nothing can precede, and keeps its raw count (as SRILM and KenLM do). Each order has
/// three discounts, for counts 1, 2 and 3+, estimated from its counts of counts
/// (Y = n1 / (n1 + 2 n2); D1 = 1 − 2Y n2/n1, D2 = 2 − 3Y n3/n2, D3+ = 3 − 4Y n4/n3). Then
///
///     p(w | h) = (a(h w) − D(a(h w))) / Σ a(h ·) + γ(h) p(w | h′),
///     γ(h) = (D1 N1(h ·) + D2 N2(h ·) + D3+ N3+(h ·)) / Σ a(h ·),
///
/// with h′ the context without its oldest word and, below unigrams, the uniform distribution over
/// every word but `<s>`. The result is written in backoff form: listed n-grams carry the
/// interpolated probability and each context its γ as backoff weight, which gives the same
/// probability for every word after every context.
public enum KneserNey {
    /// The discounts of one order, for counts 1, 2 and 3 or more.
    public struct Discounts: Sendable, Hashable, Codable {
        public var one: Double
        public var two: Double
        public var threeOrMore: Double

        public init(one: Double, two: Double, threeOrMore: Double) {
            self.one = one
            self.two = two
            self.threeOrMore = threeOrMore
        }

        /// The discount of an n-gram seen (adjusted) `count` times.
        func of(_ count: Int) -> Double { count == 1 ? one : count == 2 ? two : threeOrMore }

        /// Chen and Goodman's estimate from counts of counts `n[k - 1]` = number of n-grams seen k times.
        static func estimate(countsOfCounts n: [Int], order: Int) throws(NGramError) -> Discounts {
            guard n.count >= 4, n[0...3].allSatisfy({ $0 > 0 }) else {
                throw NGramError(
                    "cannot estimate the order-\(order) discounts: the numbers of \(order)-grams seen 1, 2, 3 and 4"
                        + " times are \(n.prefix(4).map(String.init).joined(separator: ", ")); all must be"
                        + " positive (train on more text, or use fallback discounts)")
            }
            let (n1, n2, n3, n4) = (Double(n[0]), Double(n[1]), Double(n[2]), Double(n[3]))
            let y = n1 / (n1 + 2 * n2)
            return Discounts(
                one: 1 - 2 * y * n2 / n1, two: 2 - 3 * y * n3 / n2, threeOrMore: 3 - 4 * y * n4 / n3)
        }

        func validate(order: Int) throws(NGramError) {
            guard one > 0, one < 1, two > 0, two < 2, threeOrMore > 0, threeOrMore < 3 else {
                throw NGramError(
                    "order-\(order) discounts \(one), \(two), \(threeOrMore) are outside (0, 1), (0, 2), (0, 3)"
                )
            }
        }
    }

    /// How to train.
    public struct Configuration: Sendable, Hashable {
        /// 1 to 3 (trigram by default).
        public var order: Int
        /// Words seen fewer times become `<unk>` (1: every training word is in the vocabulary, and
        /// `<unk>` gets only the uniform share of the unigram interpolation).
        public var minimumWordCount: Int
        /// Fixed discounts per order (index 0: unigrams), or `nil` to estimate them.
        public var discounts: [Discounts]?
        /// Used for an order whose estimate fails (too little text: a count of counts is zero, or a
        /// discount leaves its range), as KenLM's `--discount_fallback`; `nil` makes that an error.
        public var fallbackDiscounts: Discounts?

        /// KenLM's fallback: 0.5, 1 and 1.5.
        public static let kenLMFallback = Discounts(one: 0.5, two: 1, threeOrMore: 1.5)

        public init(
            order: Int = 3, minimumWordCount: Int = 1, discounts: [Discounts]? = nil,
            fallbackDiscounts: Discounts? = nil
        ) {
            self.order = order
            self.minimumWordCount = minimumWordCount
            self.discounts = discounts
            self.fallbackDiscounts = fallbackDiscounts
        }
    }

    /// What training saw and chose.
    public struct Statistics: Sendable, Hashable {
        public var sentences: Int
        /// Words, not counting `<s>` and `</s>`.
        public var words: Int
        /// Training words replaced by `<unk>` (below the minimum count).
        public var unknownWords: Int
        public var discounts: [Discounts]
        /// The orders (1-based) whose discounts are the fallback ones.
        public var fallbackOrders: [Int]
    }

    /// Trains a model on sentences of space-separated words (empty lines are skipped).
    public static func train<S: Sequence>(sentences: S, configuration: Configuration = Configuration())
        throws(NGramError) -> (model: BackoffNGramModel, statistics: Statistics)
    where S.Element: StringProtocol {
        let order = configuration.order
        guard (1...BackoffNGramModel.maximumOrder).contains(order) else {
            throw NGramError("order \(order) is not between 1 and \(BackoffNGramModel.maximumOrder)")
        }
        guard configuration.minimumWordCount >= 1 else {
            throw NGramError(
                "the minimum word count must be at least 1, got \(configuration.minimumWordCount)")
        }
        if let fixed = configuration.discounts, fixed.count != order {
            throw NGramError("\(fixed.count) sets of discounts given for an order-\(order) model")
        }
        let text = sentences.map { String($0).split(separator: " ").map(String.init) }.filter { !$0.isEmpty }
        guard !text.isEmpty else { throw NGramError("no training sentence") }

        // The vocabulary: frequent words first (ties alphabetical), so ids are reproducible.
        var wordCounts: [String: Int] = [:]
        for sentence in text { for word in sentence { wordCounts[word, default: 0] += 1 } }
        let kept = wordCounts.filter { $0.value >= configuration.minimumWordCount }
            .sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.map(\.key)
        let vocabulary = try NGramVocabulary(words: kept)

        // Raw counts of every predicted event: each word and `</s>` with up to order − 1 words before it.
        var raw = [[UInt64: Int]](repeating: [:], count: order)
        var unknownWords = 0
        for sentence in text {
            var ids: [Int32] = [vocabulary.startID]
            for word in sentence {
                let id = vocabulary.idOrUnknown(word)
                if id == vocabulary.unknownID { unknownWords += 1 }
                ids.append(id)
            }
            ids.append(vocabulary.endID)
            for end in 1..<ids.count {
                for n in 1...min(order, end + 1) {
                    raw[n - 1][BackoffNGramModel.key(ids[(end - n + 1)...end]), default: 0] += 1
                }
            }
        }
        let adjusted = adjustedCounts(raw, order: order, start: vocabulary.startID)

        var discounts: [Discounts] = []
        var fallbackOrders: [Int] = []
        for n in 1...order {
            var chosen: Discounts
            if let fixed = configuration.discounts {
                chosen = fixed[n - 1]
                try chosen.validate(order: n)
            } else {
                var countsOfCounts = [0, 0, 0, 0]
                for count in adjusted[n - 1].values where count <= 4 { countsOfCounts[count - 1] += 1 }
                do {
                    chosen = try Discounts.estimate(countsOfCounts: countsOfCounts, order: n)
                    try chosen.validate(order: n)
                } catch {
                    guard let fallback = configuration.fallbackDiscounts else { throw error }
                    try fallback.validate(order: n)
                    chosen = fallback
                    fallbackOrders.append(n)
                }
            }
            discounts.append(chosen)
        }

        let tables = try interpolate(adjusted, discounts: discounts, vocabulary: vocabulary)
        let model = try BackoffNGramModel(vocabulary: vocabulary, tables: tables)
        let statistics = Statistics(
            sentences: text.count, words: text.reduce(0) { $0 + $1.count }, unknownWords: unknownWords,
            discounts: discounts, fallbackOrders: fallbackOrders)
        return (model, statistics)
    }

    /// Kneser-Ney's adjusted counts: raw at the highest order and for n-grams starting with `<s>`,
    /// else the number of distinct one-word-longer n-grams ending with the n-gram.
    static func adjustedCounts(_ raw: [[UInt64: Int]], order: Int, start: Int32) -> [[UInt64: Int]] {
        var adjusted = raw
        for n in stride(from: order - 1, through: 1, by: -1) {
            var continuation: [UInt64: Int] = [:]
            let suffixMask: UInt64 = (1 << (21 * UInt64(n))) - 1
            for key in raw[n].keys { continuation[key & suffixMask, default: 0] += 1 }
            for (key, count) in raw[n - 1] {
                let first = BackoffNGramModel.ids(of: key, order: n)[0]
                // Nothing precedes `<s>`, so n-grams starting with it keep their raw counts.
                adjusted[n - 1][key] = first == start ? count : continuation[key, default: 0]
            }
        }
        return adjusted
    }

    /// The backoff tables: interpolated probabilities of listed n-grams, γ of each context.
    static func interpolate(_ adjusted: [[UInt64: Int]], discounts: [Discounts], vocabulary: NGramVocabulary)
        throws(NGramError) -> [[UInt64: BackoffNGramModel.Entry]]
    {
        let order = adjusted.count
        var tables = [[UInt64: BackoffNGramModel.Entry]](repeating: [:], count: order)

        // Per context (the key without its newest id): total count and discounted mass.
        func contexts(of n: Int) -> [UInt64: (total: Double, gamma: Double)] {
            var sums: [UInt64: (total: Int, discounted: Double)] = [:]
            for (key, count) in adjusted[n - 1] where count > 0 {
                let context = key >> 21
                sums[context, default: (0, 0)].total += count
                sums[context, default: (0, 0)].discounted += discounts[n - 1].of(count)
            }
            return sums.mapValues { (Double($0.total), $0.discounted / Double($0.total)) }
        }

        // Unigrams: interpolated with the uniform distribution over every word but `<s>`.
        let unigram = contexts(of: 1)[0] ?? (total: 0, gamma: 1)
        let uniform = 1 / Double(vocabulary.count - 1)
        for id in vocabulary.predictableIDs {
            let count = adjusted[0][BackoffNGramModel.key([id]), default: 0]
            let seen = count > 0 ? (Double(count) - discounts[0].of(count)) / unigram.total : 0
            tables[0][BackoffNGramModel.key([id])] = .init(
                log10Probability: log10(seen + unigram.gamma * uniform))
        }
        tables[0][BackoffNGramModel.key([vocabulary.startID])] = .init(
            log10Probability: BackoffNGramModel.startLog10Probability)

        for n in stride(from: 2, through: order, by: 1) {
            let byContext = contexts(of: n)
            // The lower orders are complete, so a partial model gives p(w | h′) by backoff.
            let lower = try BackoffNGramModel(vocabulary: vocabulary, tables: Array(tables[0..<(n - 1)]))
            for (key, count) in adjusted[n - 1] where count > 0 {
                let ids = BackoffNGramModel.ids(of: key, order: n)
                let context = byContext[key >> 21]!
                let lowerProbability = pow(
                    10, lower.log10Probability(of: ids[n - 1], after: ids[1..<(n - 1)]))
                let probability =
                    (Double(count) - discounts[n - 1].of(count)) / context.total + context.gamma
                    * lowerProbability
                tables[n - 1][key] = .init(log10Probability: log10(probability))
            }
            for (context, value) in byContext {
                tables[n - 2][context]?.log10Backoff = log10(value.gamma)
            }
        }
        return tables
    }
}
