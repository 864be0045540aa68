/// The most frequent recognition errors of a corpus: confusion pairs, missed and inserted words.
///
/// "Missed" counts every reference word not recognised: deleted or substituted. Ties in
/// frequency are broken alphabetically so reports are deterministic.
public struct ErrorAnalysis: Sendable, Hashable, Codable {
    /// A reference word recognised as a different hypothesis word, and how often.
    public struct Confusion: Sendable, Hashable, Codable {
        public var reference: String
        public var hypothesis: String
        public var count: Int
    }

    /// A word and how often it was missed (deleted + substituted) or inserted.
    public struct WordCount: Sendable, Hashable, Codable {
        public var word: String
        public var count: Int
        /// For missed words: how many of the misses were deletions.
        public var deletions: Int
    }

    public var topConfusions: [Confusion]
    public var mostMissed: [WordCount]
    public var mostInserted: [WordCount]

    /// Accumulates alignment steps before ranking.
    struct Tally {
        var confusions: [Pair: Int] = [:]
        var missed: [String: (count: Int, deletions: Int)] = [:]
        var inserted: [String: Int] = [:]

        struct Pair: Hashable {
            var reference: String
            var hypothesis: String
        }

        mutating func add(_ alignment: WordAlignment) {
            for word in alignment.words {
                switch word.operation {
                case .correct:
                    break
                case .substitution:
                    let pair = Pair(reference: word.reference ?? "", hypothesis: word.hypothesis ?? "")
                    confusions[pair, default: 0] += 1
                    missed[pair.reference, default: (0, 0)].count += 1
                case .deletion:
                    let reference = word.reference ?? ""
                    missed[reference, default: (0, 0)].count += 1
                    missed[reference, default: (0, 0)].deletions += 1
                case .insertion:
                    inserted[word.hypothesis ?? "", default: 0] += 1
                }
            }
        }

        func analysis(limit: Int) -> ErrorAnalysis {
            let confusions = self.confusions.map {
                Confusion(reference: $0.key.reference, hypothesis: $0.key.hypothesis, count: $0.value)
            }
            .sorted {
                ($1.count, $0.reference, $0.hypothesis) < ($0.count, $1.reference, $1.hypothesis)
            }
            let missed = self.missed.map {
                WordCount(word: $0.key, count: $0.value.count, deletions: $0.value.deletions)
            }
            .sorted { ($1.count, $0.word) < ($0.count, $1.word) }
            let inserted = self.inserted.map { WordCount(word: $0.key, count: $0.value, deletions: 0) }
                .sorted { ($1.count, $0.word) < ($0.count, $1.word) }
            return ErrorAnalysis(
                topConfusions: Array(confusions.prefix(limit)), mostMissed: Array(missed.prefix(limit)),
                mostInserted: Array(inserted.prefix(limit)))
        }
    }
}
