import NeuralLM
import Testing

@testable import Pretraining

/// Packing and ordering of the pretraining token stream.
@Suite("Pretraining corpus packing")
struct PretrainingCorpusTests {
    static func sentences(count: Int, seed: UInt64) -> [[Int]] {
        var generator = SeededGenerator(seed: seed)
        return (0..<count).map { _ in
            [1] + (0..<Int(generator.next() % 40)).map { _ in 4 + Int(generator.next() % 50) } + [2]
        }
    }

    @Test("Packing keeps every token once, in order, and never exceeds the length", arguments: [8, 16, 64])
    func packing(maxLength: Int) throws {
        let sentences = Self.sentences(count: 300, seed: 3)
        let corpus = try PretrainingCorpus(sentences: sentences, maxLength: maxLength, batchSize: 4, seed: 1)
        let order = corpus.order(epoch: 0)
        let packed = corpus.pack(order: order)
        #expect(packed.allSatisfy { $0.count <= maxLength && $0.count >= 2 })
        // Tokens stay in order; only one-token remnants of split sentences may be dropped.
        let expected = Array(order.map { sentences[$0] }.joined())
        var position = 0
        for token in packed.joined() {
            while position < expected.count && expected[position] != token { position += 1 }
            position += 1
        }
        #expect(position <= expected.count, "packed tokens are not a subsequence of the ordered sentences")
        let longSentences = sentences.filter { $0.count > maxLength }.count
        let dropped = expected.count - packed.map(\.count).reduce(0, +)
        #expect(dropped <= longSentences + 1)
        // A sentence that fits is never split across sequences.
        let starts = packed.map(\.first)
        if maxLength >= 42 { #expect(starts.allSatisfy { $0 == 1 }) }
    }

    @Test("The order is a permutation that depends on seed and epoch only")
    func order() throws {
        let corpus = try PretrainingCorpus(
            sentences: Self.sentences(count: 200, seed: 4), maxLength: 32, batchSize: 2, seed: 9)
        let again = try PretrainingCorpus(
            sentences: Self.sentences(count: 200, seed: 4), maxLength: 32, batchSize: 2, seed: 9)
        #expect(corpus.order(epoch: 0).sorted() == Array(0..<200))
        #expect(corpus.order(epoch: 0) == again.order(epoch: 0))
        #expect(corpus.order(epoch: 0) != corpus.order(epoch: 1))
    }

    @Test("Starting the batch stream at step k gives the batches an uninterrupted stream gives from k")
    func resumeStream() throws {
        let corpus = try PretrainingCorpus(
            sentences: Self.sentences(count: 120, seed: 5), maxLength: 24, batchSize: 3, seed: 2)
        let perEpoch = corpus.batches(epoch: 0).count
        var full = corpus.batchSequence(from: 0)
        let reference = (0..<(3 * perEpoch)).map { _ in full.next()! }
        for start in [0, 1, perEpoch - 1, perEpoch, perEpoch + 2, 2 * perEpoch + 1] {
            var resumed = corpus.batchSequence(from: start)
            let batches = (start..<(3 * perEpoch)).map { _ in resumed.next()! }
            #expect(batches == Array(reference[start...]), "resume at step \(start)")
        }
        #expect(reference.allSatisfy { $0.count == 3 })
    }

    @Test("Invalid settings are rejected")
    func invalid() {
        #expect(throws: PretrainError.self) {
            try PretrainingCorpus(sentences: [[1, 2]], maxLength: 1, batchSize: 1, seed: 0)
        }
        #expect(throws: PretrainError.self) {
            try PretrainingCorpus(sentences: [[1, 2]], maxLength: 8, batchSize: 0, seed: 0)
        }
        #expect(throws: PretrainError.self) {
            try PretrainingCorpus(sentences: [], maxLength: 8, batchSize: 1, seed: 0)
        }
    }
}
