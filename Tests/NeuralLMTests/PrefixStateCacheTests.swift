import Testing

@testable import NeuralLM

/// Prefix states kept between calls: the same scores as scoring from scratch, whatever the cache
/// holds, with far less work for a final list after its partials.
@Suite("Prefix state cache")
struct PrefixStateCacheTests {
    /// One OpenBLAS thread: summation order, hence every result, is the same on every run.
    init() { BLAS.setThreadCount(1) }

    static let config = GPT2Config(
        vocabSize: 41, nPositions: 40, nEmbd: 24, nLayer: 2, nHead: 3, bosTokenId: 1, eosTokenId: 2,
        dropout: 0)

    /// A streamed utterance: partial lists of growing prefixes of the final hypotheses (each with
    /// a revised last token in some hypotheses, as live partials have), then the final list.
    static func stream(seed: UInt64, hypotheses: Int = 6, length: Int = 24) -> (
        partials: [[[Int]]], final: [[Int]]
    ) {
        var rng = SeededGenerator(seed: seed)
        let base = (0..<length).map { _ in Int.random(in: 3..<41, using: &rng) }
        var final = [base]
        while final.count < hypotheses {
            var variant = base
            let position = Int.random(in: 0..<length, using: &rng)
            variant[position] = Int.random(in: 3..<41, using: &rng)
            if !final.contains(variant) { final.append(variant) }
        }
        var partials: [[[Int]]] = []
        for cut in stride(from: 4, to: length, by: 4) {
            var list: [[Int]] = []
            for hypothesis in final {
                var prefix = Array(hypothesis.prefix(cut))
                if Int.random(in: 0..<3, using: &rng) == 0 {
                    prefix[cut - 1] = Int.random(in: 3..<41, using: &rng)
                }
                if !list.contains(prefix) { list.append(prefix) }
            }
            partials.append(list)
        }
        return (partials, final)
    }

    /// Scores every list of `stream` through `cache` (partials kept), checking each against the
    /// uncached scores; returns the final list's statistics.
    func scoreStream(
        _ stream: (partials: [[[Int]]], final: [[Int]]), model: GPT2Model, cache: PrefixStateCache<String>,
        owner: String = "utterance-1"
    ) throws -> PrefixSharingStatistics {
        for list in stream.partials {
            let (scores, _) = try model.sentenceLogProbabilitiesSharingPrefixes(
                list, cache: cache, uses: list.map { _ in PrefixCacheUse(owner: owner, keep: true) })
            let plain = try model.sentenceLogProbabilities(list)
            for (x, y) in zip(scores, plain) { #expect(abs(x - y) < 1e-4, "partial \(x) vs \(y)") }
        }
        let (scores, statistics) = try model.sentenceLogProbabilitiesSharingPrefixes(
            stream.final, cache: cache,
            uses: stream.final.map { _ in PrefixCacheUse(owner: owner, keep: false) })
        let plain = try model.sentenceLogProbabilities(stream.final)
        for (x, y) in zip(scores, plain) { #expect(abs(x - y) < 1e-4, "final \(x) vs \(y)") }
        return statistics
    }

    @Test("cached scores equal uncached scores within 1e-4", arguments: 0..<4)
    func equalScores(seed: UInt64) throws {
        let model = try TestSupport.perturbedModel(config: Self.config, seed: seed)
        let cache = PrefixStateCache<String>(byteBudget: 64 << 20)
        _ = try scoreStream(Self.stream(seed: seed), model: model, cache: cache)
        #expect(cache.statistics.hits > 0)
        #expect(cache.statistics.evictions == 0)
    }

    @Test("a final list after its partials computes a small fraction of the cold positions")
    func finalAfterPartialsIsCheap() throws {
        let model = try TestSupport.perturbedModel(config: Self.config, seed: 3)
        let stream = Self.stream(seed: 3)
        let cold = try model.sentenceLogProbabilitiesSharingPrefixes(stream.final).statistics
        let cache = PrefixStateCache<String>(byteBudget: 64 << 20)
        let warm = try scoreStream(stream, model: model, cache: cache)
        // The last partial covers 20 of the 24 tokens of most hypotheses; cold scoring already
        // shares the hypotheses' common prefixes, so the fair baseline is its own trie.
        #expect(warm.computedPositions * 3 <= cold.computedPositions, "warm \(warm) cold \(cold)")
        #expect(warm.computedPositions * 5 <= cold.totalPositions, "warm \(warm) cold \(cold)")
        #expect(warm.reusedPositions > 0)
        #expect(cache.statistics.computedPositions > 0)
    }

    @Test("eviction under a small budget keeps scores exact and memory within the budget")
    func evictionKeepsScores() throws {
        let model = try TestSupport.perturbedModel(config: Self.config, seed: 5)
        // One state of 20 positions: (2 layers × (keys + values) + hidden) × 20 × 24 floats ≈ 9.7 KB.
        let budget = 20_000
        let cache = PrefixStateCache<String>(byteBudget: budget)
        for seed in 0..<3 {
            _ = try scoreStream(
                Self.stream(seed: 10 + UInt64(seed)), model: model, cache: cache, owner: "u\(seed)")
            #expect(cache.statistics.bytes <= budget)
        }
        #expect(cache.statistics.evictions > 0)
        #expect(cache.statistics.hits > 0, "recent states survive eviction")
    }

    @Test("memory accounting: keys, values, hidden rows, log-probabilities and token key of every kept state")
    func memoryAccounting() throws {
        let model = try TestSupport.perturbedModel(config: Self.config, seed: 9)
        let cache = PrefixStateCache<String>(byteBudget: 64 << 20)
        let list: [[Int]] = [[5, 6, 7], [5, 6, 8, 9], [10], []]
        _ = try model.sentenceLogProbabilitiesSharingPrefixes(
            list, cache: cache, uses: list.map { _ in PrefixCacheUse(owner: "a", keep: true) })
        let c = Self.config.nEmbd
        let expected = list.reduce(0) { total, sentence in
            let positions = sentence.count + 1
            return total + (2 * Self.config.nLayer * positions * c + positions * c + positions) * 4
                + positions * 8
        }
        #expect(cache.statistics.entries == list.count)
        #expect(cache.statistics.bytes == expected)
        // The same list again stores nothing new: every input is wholly cached.
        _ = try model.sentenceLogProbabilitiesSharingPrefixes(
            list, cache: cache, uses: list.map { _ in PrefixCacheUse(owner: "a", keep: true) })
        #expect(cache.statistics.bytes == expected)
        #expect(cache.statistics.hits == list.count)
        cache.removeStates(owner: "a", adapter: nil)
        #expect(cache.statistics.entries == 0)
        #expect(cache.statistics.bytes == 0)
    }

    @Test("states are visible only to their own owner and adapter")
    func ownersAndAdaptersAreIsolated() throws {
        let model = try TestSupport.perturbedModel(config: Self.config, seed: 9)
        let cache = PrefixStateCache<String>(byteBudget: 64 << 20)
        let list: [[Int]] = [[5, 6, 7]]
        _ = try model.sentenceLogProbabilitiesSharingPrefixes(
            list, cache: cache, uses: [PrefixCacheUse(owner: "stream-1", keep: true)])
        let input = [1, 5, 6, 7, 8]
        #expect(cache.longestPrefix(of: input, owner: "stream-1", adapter: nil)?.positions == 4)
        #expect(cache.longestPrefix(of: input, owner: "stream-2", adapter: nil) == nil)
        #expect(cache.longestPrefix(of: input, owner: "stream-1", adapter: "other") == nil)
        cache.removeStates { $0.hasPrefix("stream-") }
        #expect(cache.longestPrefix(of: input, owner: "stream-1", adapter: nil) == nil)
    }

    @Test("a call stopped by its checkpoint stores nothing")
    func stoppedCallStoresNothing() throws {
        struct Stop: Error {}
        let model = try TestSupport.perturbedModel(config: Self.config, seed: 9)
        let cache = PrefixStateCache<String>(byteBudget: 64 << 20)
        let list: [[Int]] = [[5, 6, 7], [8, 9]]
        #expect(throws: Stop.self) {
            try model.sentenceLogProbabilitiesSharingPrefixes(
                list, cache: cache, uses: list.map { _ in PrefixCacheUse(owner: "a", keep: true) },
                checkpoint: { throw Stop() })
        }
        #expect(cache.statistics.entries == 0)
    }

    @Test("with mixed adapters, each adapter continues only its own states and scores stay exact")
    func mixedAdapters() throws {
        var model = try TestSupport.perturbedModel()
        for layer in model.blocks.indices {
            for (offset, name) in ["a", "b"].enumerated() {
                let seed = UInt64(10 * layer + offset)
                model.blocks[layer].attention.adapters[name] = LowRankTestAdapter(
                    inFeatures: 16, outFeatures: 48, rank: 2, seed: seed)
                model.blocks[layer].mlpExpand.adapters[name] = LowRankTestAdapter(
                    inFeatures: 16, outFeatures: 64, rank: 2, seed: seed + 100)
            }
        }
        let cache = PrefixStateCache<String>(byteBudget: 64 << 20)
        let full: [[Int]] = [[5, 6, 7, 8, 9, 10], [5, 6, 7, 11, 12], [13, 14, 15, 16]]
        let names: [String?] = [nil, "a", "b"]
        // The same token prefixes under every adapter: a state of one must never continue another.
        for cut in [2, 4, 6] {
            let sentences = names.flatMap { _ in full.map { Array($0.prefix(cut)) } }
            let adapters = names.flatMap { name in full.map { _ in name } }
            let isFinal = cut == 6
            let (scores, _) = try model.sentenceLogProbabilitiesSharingPrefixes(
                sentences, adapters: adapters, cache: cache,
                uses: sentences.map { _ in PrefixCacheUse(owner: "u", keep: !isFinal) })
            let plain = try model.sentenceLogProbabilities(sentences, adapters: adapters)
            for (x, y) in zip(scores, plain) { #expect(abs(x - y) < 1e-4, "cut \(cut): \(x) vs \(y)") }
        }
        #expect(cache.statistics.hits > 0)
    }
}
