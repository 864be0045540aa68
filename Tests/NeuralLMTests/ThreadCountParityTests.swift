import Testing

@testable import NeuralLM

/// The engine gives the same floats on one thread and on two.
///
/// The model and batches are large enough that every kernel between the matrix products (attention,
/// LayerNorm, GELU, the head's softmax, bias and embedding gradients, dropout, AdamW, the gradient
/// norm) crosses `ParallelChunks.minimumParallelWork` and really splits at two threads.
@Suite("Thread-count parity")
struct ThreadCountParityTests {
    private static let config = GPT2Config(
        vocabSize: 1000, nPositions: 64, nEmbd: 128, nLayer: 2, nHead: 4, bosTokenId: 1, eosTokenId: 2,
        dropout: 0.1)

    private static func model() throws -> GPT2Model {
        try TestSupport.perturbedModel(config: config, seed: 5)
    }

    private static func sequences(seed: UInt64) -> [[Int]] {
        TestSupport.randomSequences(count: 24, lengths: 20...40, vocabulary: 1000, seed: seed)
    }

    /// Runs `body` at one and at two engine threads.
    private static func atOneAndTwo<Result>(_ body: () throws -> Result) rethrows -> (Result, Result) {
        let one = try EngineThreads.withCount(1, body)
        let two = try EngineThreads.withCount(2, body)
        return (one, two)
    }

    /// Elements whose bit patterns differ (a length mismatch counts as all of them), so a failure
    /// reports a number instead of printing two whole tensors.
    private static func mismatches(_ x: [Float], _ y: [Float]) -> Int {
        guard x.count == y.count else { return max(x.count, y.count) }
        return zip(x, y).reduce(0) { $0 + ($1.0.bitPattern == $1.1.bitPattern ? 0 : 1) }
    }

    @Test("forward distributions, plain scores and prefix-shared scores are bit-identical")
    func scoring() throws {
        let model = try Self.model()
        let batch = TokenBatch(sequences: Self.sequences(seed: 11))
        let sentences =
            PrefixSharingTests.nBestList(size: 40, vocabulary: 1000, lengths: 20...40, seed: 3)
            + PrefixSharingTests.nBestList(size: 40, vocabulary: 1000, lengths: 20...40, seed: 4)
        let (one, two) = try Self.atOneAndTwo {
            (
                try model.logProbabilityDistributions(batch).flatMap(\.storage),
                try model.sentenceLogProbabilities(sentences),
                try model.sentenceLogProbabilitiesSharingPrefixes(sentences).scores
            )
        }
        #expect(Self.mismatches(one.0, two.0) == 0)
        #expect(Self.mismatches(one.1, two.1) == 0)
        #expect(Self.mismatches(one.2, two.2) == 0)
        #expect(one.1.allSatisfy { $0.isFinite })
    }

    @Test("gradients, and the head's two-phase backward, are bit-identical")
    func gradients() throws {
        let model = try Self.model()
        let batch = TokenBatch(sequences: Self.sequences(seed: 12))
        let (one, two) = try Self.atOneAndTwo {
            var rng: SeededGenerator? = SeededGenerator(seed: 8)
            let result = try model.lossAndGradients(batch, dropout: &rng)
            var none: SeededGenerator? = nil
            let hidden = model.trunk(sequences: batch.sequences, dropout: &none).hidden
            let targets = GPT2Model.nextTokenTargets(batch.sequences)
            var head = model.headForward(hidden: hidden, targets: targets)
            let scales = (0..<hidden.rows).map { Float($0 % 7) / 7 }
            let backward = model.headBackward(
                hidden: hidden, targets: targets, exponentials: &head.exponentials, sums: head.sums,
                rowScales: scales)
            return (result, head.rowLosses, backward.gradHidden, backward.gradEmbedding)
        }
        #expect(one.0.lossSum.bitPattern == two.0.lossSum.bitPattern)
        #expect(one.0.gradients.keys.sorted() == two.0.gradients.keys.sorted())
        for (name, gradient) in one.0.gradients {
            #expect(Self.mismatches(gradient.storage, two.0.gradients[name]?.storage ?? []) == 0, "\(name)")
        }
        #expect(one.1.map(\.bitPattern) == two.1.map(\.bitPattern))
        #expect(Self.mismatches(one.2.storage, two.2.storage) == 0)
        #expect(Self.mismatches(one.3.storage, two.3.storage) == 0)
    }

    @Test("three training steps with dropout, accumulation and clipping give identical parameters")
    func training() throws {
        let configuration = TrainingConfiguration(
            schedule: LearningRateSchedule(peak: 1e-3, warmupSteps: 1, totalSteps: 10), maxGradientNorm: 0.5,
            accumulationSteps: 2, dropout: true, seed: 21)
        let batches = (0..<3).map { TokenBatch(sequences: Self.sequences(seed: 30 + UInt64($0))) }
        let (one, two) = try Self.atOneAndTwo {
            var trainer = try Trainer(model: Self.model(), configuration: configuration)
            let steps = try batches.map { try trainer.trainStep($0) }
            return (trainer.model.namedParameters, steps.map { ($0.loss, $0.gradientNorm) })
        }
        for ((name, x, _), (_, y, _)) in zip(one.0, two.0) {
            #expect(Self.mismatches(x.storage, y.storage) == 0, "\(name) differs between 1 and 2 threads")
        }
        #expect(one.1.map(\.0.bitPattern) == two.1.map(\.0.bitPattern))
        #expect(one.1.map(\.1.bitPattern) == two.1.map(\.1.bitPattern))
        #expect(one.1.allSatisfy { $0.1 > 0.5 }, "clipping should have been exercised")
    }
}
