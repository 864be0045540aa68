import SeededRandom

/// A reproducible corpus with Zipf-like word frequencies and some word-order structure, large
/// enough for every order's discounts to be estimated.
enum SyntheticCorpus {
    /// Enough words that many are rare, so even unigram continuation counts of 1 to 4 occur.
    static let words = (0..<3000).map { "w\($0)" }

    static func sentences(count: Int, seed: UInt64) -> [String] {
        var generator = SplitMix64(seed: seed)
        // Zipf weights 1/rank, drawn by a binary search of the cumulative sums.
        var cumulative: [Double] = []
        for rank in words.indices { cumulative.append((cumulative.last ?? 0) + 1 / Double(rank + 1)) }
        func draw() -> Int {
            let target = generator.nextUnit() * cumulative[cumulative.count - 1]
            var (low, high) = (0, cumulative.count - 1)
            while low < high {
                let middle = (low + high) / 2
                if cumulative[middle] > target { high = middle } else { low = middle + 1 }
            }
            return low
        }
        return (0..<count).map { _ in
            var sentence: [String] = []
            var previous = draw()
            for _ in 0..<(2 + generator.next(below: 10)) {
                // Half the time the next word is tied to the previous one, so bigrams matter.
                let next = generator.next(below: 2) == 0 ? (previous * 7 + 3) % words.count : draw()
                sentence.append(words[next])
                previous = next
            }
            return sentence.joined(separator: " ")
        }
    }
}
