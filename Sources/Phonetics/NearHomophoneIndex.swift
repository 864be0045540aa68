/// Finds words that sound almost the same as a given word, by ``PhoneticDistance``.
///
/// Entries are bucketed by phone count. Since every insertion or deletion costs at least
/// ``PhoneCosts/minimumIndel``, a word within distance `d` of an `n`-phone word has between
/// `n - d/minIndel` and `n + d/minIndel` phones, so only those buckets are scanned, each
/// distance with early abandoning. For a 20k-word vocabulary a query takes well under a
/// millisecond in release builds.
public struct NearHomophoneIndex: Sendable {
    /// A word close to the query, with its distance (0 for an exact homophone).
    public struct Neighbor: Sendable, Hashable {
        public var word: String
        public var distance: Double
        /// The neighbour's pronunciation that achieved the distance.
        public var phones: [Phone]
    }

    /// All entries with one phone count: phone codes stored flat (entry i occupies
    /// `codes[i·length ..< (i+1)·length]`), so a scan touches no reference-counted memory.
    private struct Bucket: Sendable {
        var words: [String] = []
        var phones: [[Phone]] = []
        var codes: [UInt8] = []
    }

    private let buckets: [Bucket]
    private let lexicon: Lexicon

    /// Indexes every word of `lexicon` whose corpus count is at least `minimumCount`.
    public init(lexicon: Lexicon, frequencies: WordFrequencies, minimumCount: Int = 1) {
        var buckets: [Bucket] = []
        for (word, count) in frequencies.counts.sorted(by: { $0.key < $1.key }) where count >= minimumCount {
            for pronunciation in lexicon.entries[word] ?? [] {
                let length = pronunciation.phones.count
                while buckets.count <= length { buckets.append(Bucket()) }
                buckets[length].words.append(word)
                buckets[length].phones.append(pronunciation.phones)
                buckets[length].codes += pronunciation.phones.map { UInt8($0.index) }
            }
        }
        self.buckets = buckets
        self.lexicon = lexicon
    }

    /// Number of indexed (word, pronunciation) entries.
    public var entryCount: Int { buckets.reduce(0) { $0 + $1.words.count } }

    /// Indexed words within `maximumDistance` of any pronunciation of `word`, nearest first
    /// (ties alphabetical), excluding `word` itself.
    public func neighbors(of word: some StringProtocol, within maximumDistance: Double) -> [Neighbor] {
        let key = word.lowercased()
        var best: [String: Neighbor] = [:]
        for pronunciation in lexicon.pronunciations(of: key) {
            for neighbor in neighbors(ofPhones: pronunciation.phones, within: maximumDistance)
            where neighbor.word != key {
                if let existing = best[neighbor.word], existing.distance <= neighbor.distance { continue }
                best[neighbor.word] = neighbor
            }
        }
        return best.values.sorted {
            $0.distance != $1.distance ? $0.distance < $1.distance : $0.word < $1.word
        }
    }

    /// Indexed entries within `maximumDistance` of a phone sequence, nearest first.
    public func neighbors(ofPhones phones: [Phone], within maximumDistance: Double) -> [Neighbor] {
        let slack = Int((maximumDistance / PhoneCosts.standard.minimumIndel).rounded(.down))
        let lower = max(0, phones.count - slack)
        let upper = min(buckets.count - 1, phones.count + slack)
        guard lower <= upper else { return [] }
        let codes = phones.map { UInt8($0.index) }
        var result: [Neighbor] = []
        for length in lower...upper {
            let bucket = buckets[length]
            bucket.codes.withUnsafeBufferPointer { flat in
                for entry in 0..<bucket.words.count {
                    let slice = UnsafeBufferPointer(rebasing: flat[(entry * length)..<((entry + 1) * length)])
                    if let distance = PhoneticDistance.distance(codes: codes, slice, bound: maximumDistance) {
                        result.append(
                            Neighbor(
                                word: bucket.words[entry], distance: distance, phones: bucket.phones[entry]))
                    }
                }
            }
        }
        return result.sorted { $0.distance != $1.distance ? $0.distance < $1.distance : $0.word < $1.word }
    }
}
