public import NeuralLM

/// The pretraining token stream: sentences framed by BOS/EOS, shuffled per epoch, packed into
/// sequences of at most `maxLength` tokens.
///
/// Packing whole sentences (a sentence is split only when it alone exceeds `maxLength`) keeps every
/// sentence's context starting at `<|bos|>`, as in rescoring, and the engine computes no padding.
/// The order depends only on the seed and the epoch number, so a resumed run sees exactly the batches
/// an uninterrupted run would.
public struct PretrainingCorpus: Sendable {
    /// Framed sentences in file order.
    public let sentences: [[Int]]
    /// Longest sequence (the model's `n_positions`).
    public let maxLength: Int
    /// Sequences per optimizer step.
    public let batchSize: Int
    /// Seed of the per-epoch shuffles.
    public let seed: UInt64

    public init(sentences: [[Int]], maxLength: Int, batchSize: Int, seed: UInt64) throws {
        guard maxLength >= 2 else { throw PretrainError("sequence length \(maxLength) must be at least 2") }
        guard batchSize >= 1 else { throw PretrainError("batch size \(batchSize) must be at least 1") }
        guard sentences.contains(where: { !$0.isEmpty }) else {
            throw PretrainError("the corpus has no sentences")
        }
        self.sentences = sentences
        self.maxLength = maxLength
        self.batchSize = batchSize
        self.seed = seed
    }

    /// Tokenizes one sentence per line, framed as `<|bos|> … <|eos|>`; empty lines are skipped.
    public static func frame(lines: [Substring], tokenizer: BPETokenizer) throws -> [[Int]] {
        try lines.filter { !$0.isEmpty }.map { try tokenizer.encodeSentence(String($0)) }
    }

    /// The sentence order of an epoch: a Fisher–Yates shuffle seeded by (seed, epoch).
    public func order(epoch: Int) -> [Int] {
        var generator = SeededGenerator(seed: seed &+ UInt64(epoch) &* 0x9E37_79B9_7F4A_7C15)
        var indices = Array(sentences.indices)
        var i = indices.count - 1
        while i > 0 {
            let j = Int(generator.next() % UInt64(i + 1))
            indices.swapAt(i, j)
            i -= 1
        }
        return indices
    }

    /// Packs sentences, in the given order, greedily into sequences of 2 to `maxLength` tokens.
    public func pack(order: [Int]) -> [[Int]] {
        var sequences: [[Int]] = []
        var current: [Int] = []
        for index in order {
            var sentence = sentences[index][...]
            if current.count + sentence.count > maxLength && !current.isEmpty {
                // A one-token sequence predicts nothing (a remnant of a split sentence): drop it.
                if current.count >= 2 { sequences.append(current) }
                current = []
            }
            while sentence.count > maxLength {
                sequences.append(Array(sentence.prefix(maxLength)))
                sentence = sentence.dropFirst(maxLength)
            }
            current += sentence
        }
        if current.count >= 2 { sequences.append(current) }
        return sequences
    }

    /// The batches of an epoch (a final partial batch is dropped so every step has `batchSize` rows).
    public func batches(epoch: Int) -> [[[Int]]] {
        let sequences = pack(order: order(epoch: epoch))
        return stride(from: 0, to: sequences.count - batchSize + 1, by: batchSize).map {
            Array(sequences[$0..<($0 + batchSize)])
        }
    }

    /// Iterates batches from optimizer step `start` onwards, crossing epochs.
    public func batchSequence(from start: Int) -> BatchIterator {
        BatchIterator(corpus: self, step: start)
    }

    /// Produces the batch of each step in order; epochs are packed lazily.
    public struct BatchIterator: IteratorProtocol {
        public let corpus: PretrainingCorpus
        public private(set) var epoch = 0
        private var epochBatches: [[[Int]]] = []
        private var index = 0

        init(corpus: PretrainingCorpus, step: Int) {
            self.corpus = corpus
            epochBatches = corpus.batches(epoch: 0)
            var remaining = step
            while remaining >= epochBatches.count {
                remaining -= epochBatches.count
                epoch += 1
                epochBatches = corpus.batches(epoch: epoch)
            }
            index = remaining
        }

        public mutating func next() -> [[Int]]? {
            if index == epochBatches.count {
                epoch += 1
                epochBatches = corpus.batches(epoch: epoch)
                index = 0
            }
            defer { index += 1 }
            return epochBatches[index]
        }
    }
}

/// A pretraining error with a message for the command line.
public struct PretrainError: Error, Sendable, CustomStringConvertible {
    public let description: String

    public init(_ description: String) { self.description = description }
}
