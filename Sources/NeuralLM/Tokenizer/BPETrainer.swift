/// Learns byte-level BPE merges from a corpus.
///
/// Counts pre-tokenized pieces once into a frequency table, then repeatedly merges the most frequent
/// adjacent pair. Pair counts are updated incrementally (only the pieces containing the merged pair
/// are revisited) and the best pair comes from a max-heap with lazy deletion, so training on the
/// general corpus (1.5 M words) takes seconds. Ties are broken deterministically: higher count first,
/// then the smaller left id, then the smaller right id (ids: specials, the 256 bytes in byte order,
/// then merges in creation order).
public struct BPETrainer: Sendable {
    /// The total vocabulary size to reach: special tokens + 256 byte symbols + merges.
    public var vocabularySize: Int
    /// Pairs seen fewer times than this are never merged (training stops early instead).
    public var minimumPairCount: Int
    /// The pre-tokenizer (its settings are saved with the tokenizer).
    public var preTokenizer: ByteLevelPreTokenizer

    /// - Throws: `TokenizerError.invalidArgument` when the size cannot hold specials and bytes.
    public init(
        vocabularySize: Int = 6000, minimumPairCount: Int = 2, preTokenizer: ByteLevelPreTokenizer = .init()
    ) throws {
        let floor = SpecialToken.allCases.count + 256
        guard vocabularySize >= floor else {
            throw TokenizerError(
                .invalidArgument,
                "vocabulary size \(vocabularySize) is below \(floor) (4 special tokens + 256 bytes)")
        }
        guard minimumPairCount >= 1 else {
            throw TokenizerError(
                .invalidArgument, "minimum pair count \(minimumPairCount) must be at least 1")
        }
        self.vocabularySize = vocabularySize
        self.minimumPairCount = minimumPairCount
        self.preTokenizer = preTokenizer
    }

    /// Counts the pre-tokenized pieces of `lines` (each line is one text).
    public func pieceCounts<Lines: Sequence<String>>(_ lines: Lines) -> [[UInt8]: Int] {
        var counts: [[UInt8]: Int] = [:]
        for line in lines {
            for piece in preTokenizer.split(line) {
                counts[piece, default: 0] += 1
            }
        }
        return counts
    }

    /// Trains a tokenizer on `lines`.
    public func train<Lines: Sequence<String>>(_ lines: Lines) throws -> BPETokenizer {
        try train(pieceCounts: pieceCounts(lines))
    }

    /// Trains a tokenizer from a piece frequency table (see `pieceCounts`).
    public func train(pieceCounts: [[UInt8]: Int]) throws -> BPETokenizer {
        var tokens = SpecialToken.allCases.sorted { $0.defaultID < $1.defaultID }.map(\.rawValue)
        let firstByteID = tokens.count
        tokens += ByteLevelAlphabet.characters.map { String($0) }
        var ids: [String: Int] = [:]
        for (id, token) in tokens.enumerated() { ids[token] = id }

        // Pieces sorted so that training never depends on dictionary order.
        let sortedPieces = pieceCounts.sorted { $0.key.lexicographicallyPrecedes($1.key) }
        var words = sortedPieces.map { $0.key.map { Int32(firstByteID + Int($0)) } }
        let frequencies = sortedPieces.map(\.value)

        var pairCounts: [UInt64: Int] = [:]
        var pairWords: [UInt64: [Int32]] = [:]
        for (index, word) in words.enumerated() where word.count > 1 {
            for position in 0..<(word.count - 1) {
                let key = BPETokenizer.pairKey(Int(word[position]), Int(word[position + 1]))
                pairCounts[key, default: 0] += frequencies[index]
                pairWords[key, default: []].append(Int32(index))
            }
        }
        var heap = PairHeap()
        for (key, count) in pairCounts { heap.push(.init(count: count, key: key)) }

        var merges: [(left: Int, right: Int)] = []
        let targetMerges = vocabularySize - tokens.count
        var lastSeen = [Int32](repeating: -1, count: words.count)
        while merges.count < targetMerges, let best = heap.pop() {
            guard pairCounts[best.key] == best.count else { continue }  // stale heap entry
            if best.count < minimumPairCount { break }
            let left = Int32(truncatingIfNeeded: best.key >> 32)
            let right = Int32(truncatingIfNeeded: best.key & 0xFFFF_FFFF)
            let text = tokens[Int(left)] + tokens[Int(right)]
            let merged: Int32
            if let existing = ids[text] {
                merged = Int32(existing)
            } else {
                merged = Int32(tokens.count)
                ids[text] = tokens.count
                tokens.append(text)
            }
            merges.append((Int(left), Int(right)))

            var changed = Set<UInt64>()
            let mergeNumber = Int32(merges.count)
            for wordIndex in pairWords[best.key] ?? [] {
                let index = Int(wordIndex)
                if lastSeen[index] == mergeNumber { continue }
                lastSeen[index] = mergeNumber
                let word = words[index]
                guard word.count > 1 else { continue }
                var rewritten: [Int32] = []
                rewritten.reserveCapacity(word.count)
                var position = 0
                var found = false
                while position < word.count {
                    if position + 1 < word.count && word[position] == left && word[position + 1] == right {
                        rewritten.append(merged)
                        position += 2
                        found = true
                    } else {
                        rewritten.append(word[position])
                        position += 1
                    }
                }
                guard found else { continue }
                let frequency = frequencies[index]
                for position in 0..<(word.count - 1) {
                    let key = BPETokenizer.pairKey(Int(word[position]), Int(word[position + 1]))
                    pairCounts[key, default: 0] -= frequency
                    changed.insert(key)
                }
                if rewritten.count > 1 {
                    for position in 0..<(rewritten.count - 1) {
                        let key = BPETokenizer.pairKey(Int(rewritten[position]), Int(rewritten[position + 1]))
                        // Only pairs with the new symbol are new to this piece; the others are listed.
                        if rewritten[position] == merged || rewritten[position + 1] == merged {
                            pairWords[key, default: []].append(wordIndex)
                        }
                        pairCounts[key, default: 0] += frequency
                        changed.insert(key)
                    }
                }
                words[index] = rewritten
            }
            pairCounts[best.key] = nil
            pairWords[best.key] = nil
            for key in changed where key != best.key {
                let count = pairCounts[key] ?? 0
                if count > 0 {
                    heap.push(.init(count: count, key: key))
                } else {
                    pairCounts[key] = nil
                    pairWords[key] = nil
                }
            }
        }

        var specials: [String: Int] = [:]
        for special in SpecialToken.allCases { specials[special.rawValue] = special.defaultID }
        return try BPETokenizer(
            tokens: tokens, merges: merges, specialTokens: specials, preTokenizer: preTokenizer)
    }
}

/// A binary max-heap of pair counts ordered by (count desc, left id asc, right id asc).
struct PairHeap {
    struct Entry {
        var count: Int
        var key: UInt64

        /// True when `self` should be merged before `other`.
        func precedes(_ other: Entry) -> Bool {
            count != other.count ? count > other.count : key < other.key
        }
    }

    private var entries: [Entry] = []

    mutating func push(_ entry: Entry) {
        entries.append(entry)
        var child = entries.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard entries[child].precedes(entries[parent]) else { break }
            entries.swapAt(child, parent)
            child = parent
        }
    }

    mutating func pop() -> Entry? {
        guard let top = entries.first else { return nil }
        let last = entries.removeLast()
        if !entries.isEmpty {
            entries[0] = last
            var parent = 0
            while true {
                let left = 2 * parent + 1
                let right = left + 1
                var best = parent
                if left < entries.count && entries[left].precedes(entries[best]) { best = left }
                if right < entries.count && entries[right].precedes(entries[best]) { best = right }
                if best == parent { break }
                entries.swapAt(parent, best)
                parent = best
            }
        }
        return top
    }
}
