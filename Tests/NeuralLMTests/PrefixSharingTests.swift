import Testing

@testable import NeuralLM

/// Prefix sharing gives the plain batched scores while computing fewer positions.
@Suite("Prefix sharing")
struct PrefixSharingTests {
    /// One OpenBLAS thread: summation order, hence every result, is the same on every run.
    init() { BLAS.setThreadCount(1) }

    /// An N-best-like list: a random sentence and variants that edit it from a random point on.
    static func nBestList(size: Int, vocabulary: Int, lengths: ClosedRange<Int>, seed: UInt64) -> [[Int]] {
        var rng = SeededGenerator(seed: seed)
        let base = (0..<Int.random(in: lengths, using: &rng)).map { _ in
            Int.random(in: 3..<vocabulary, using: &rng)
        }
        var list = [base]
        while list.count < size {
            var variant = list.randomElement(using: &rng)!
            let position = Int.random(in: 0...variant.count, using: &rng)
            switch Int.random(in: 0..<3, using: &rng) {
            case 0 where position < variant.count:
                variant[position] = Int.random(in: 3..<vocabulary, using: &rng)
            case 1 where position < variant.count: variant.remove(at: position)
            default: variant.insert(Int.random(in: 3..<vocabulary, using: &rng), at: position)
            }
            if variant.count <= lengths.upperBound { list.append(variant) }
        }
        return list
    }

    @Test("trie nodes split at divergence and at sequence ends")
    func trieStructure() {
        let trie = PrefixTrie(sequences: [[1, 5, 6, 7], [1, 5, 6, 8], [1, 5], [1, 5, 6, 7], [2]])
        #expect(trie.nodes.map(\.tokens) == [[1, 5], [2], [6], [7], [8]])
        #expect(trie.nodes[0].endingSequences == [2])
        #expect(trie.nodes[3].endingSequences == [0, 3])
        #expect(trie.endNode == [3, 4, 0, 3, 1])
        #expect(trie.nodes[2].offset == 2)
        #expect(trie.computedPositions == 6)
        #expect(trie.waves == [[0, 1], [2], [3, 4]])
        let grouped = PrefixTrie(sequences: [[1, 5, 6], [1, 5, 7], [1, 5, 6]], groups: [0, 1, 0])
        #expect(grouped.nodes.map(\.tokens) == [[1, 5, 6], [1, 5, 7]])
        #expect(grouped.nodes.map(\.group) == [0, 1])
        #expect(grouped.endNode == [0, 1, 0])
    }

    @Test("scores equal the plain batched path within 1e-4 on random lists", arguments: 0..<6)
    func equalScores(seed: UInt64) throws {
        let config = GPT2Config(
            vocabSize: 37, nPositions: 32, nEmbd: 24, nLayer: 2, nHead: 3, bosTokenId: 1, eosTokenId: 2,
            dropout: 0)
        let model = try TestSupport.perturbedModel(config: config, seed: seed)
        var sentences: [[Int]] = []
        for list in 0..<3 {
            sentences += Self.nBestList(
                size: 10, vocabulary: 37, lengths: 0...25, seed: seed * 10 + UInt64(list))
        }
        let plain = try model.sentenceLogProbabilities(sentences)
        let (shared, statistics) = try model.sentenceLogProbabilitiesSharingPrefixes(sentences)
        #expect(shared.count == plain.count)
        for (a, b) in zip(shared, plain) { #expect(abs(a - b) < 1e-4, "\(a) vs \(b)") }
        #expect(statistics.totalPositions == sentences.reduce(0) { $0 + $1.count + 1 })
        // Exactly one computed position per distinct non-empty prefix of the BOS-framed inputs.
        var prefixes = Set<[Int]>()
        for sentence in sentences {
            let input = [1] + sentence
            for length in 1...input.count { prefixes.insert(Array(input.prefix(length))) }
        }
        #expect(statistics.computedPositions == prefixes.count)
        #expect(statistics.computedPositions < statistics.totalPositions * 3 / 4, "\(statistics)")
    }

    @Test("duplicates, prefixes of other hypotheses and empty sentences are scored")
    func edgeCases() throws {
        let model = try TestSupport.perturbedModel()
        let sentences = [[4, 5, 6], [4, 5, 6], [4, 5], [], [7], [4, 5, 6, 9]]
        let plain = try model.sentenceLogProbabilities(sentences)
        let (shared, statistics) = try model.sentenceLogProbabilitiesSharingPrefixes(sentences)
        for (a, b) in zip(shared, plain) { #expect(abs(a - b) < 1e-4) }
        #expect(statistics.computedPositions == 6)
        #expect(throws: NeuralLMError.self) { try model.sentenceLogProbabilitiesSharingPrefixes([[40]]) }
    }
}
