import Foundation
import SecondPassTestSupport
import Testing

@testable import NeuralLM

/// Parity with transformers' GPT2LMHeadModel (torch 1.13 CPU) in both directions.
@Suite("Hugging Face parity", .serialized, .requiresPythonPeer)
struct HuggingFaceParityTests {
    /// One OpenBLAS thread: summation order, hence every result, is the same on every run.
    init() { BLAS.setThreadCount(1) }

    /// Compares our log-softmax rows with the reference JSON; returns the largest difference.
    private func maxDifference(_ ours: [Tensor], referenceJSON url: URL) throws -> Float {
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any]
        let reference = try #require(object?["log_probs"] as? [[[Double]]])
        #expect(reference.count == ours.count)
        var worst: Float = 0
        for (tensor, rows) in zip(ours, reference) {
            #expect(rows.count == tensor.rows)
            for (row, values) in rows.enumerated() {
                #expect(values.count == tensor.columns)
                for (column, value) in values.enumerated() {
                    worst = max(worst, abs(tensor[row, column] - Float(value)))
                }
            }
        }
        return worst
    }

    @Test("(a) a checkpoint written by Swift gives transformers' log-probabilities within 1e-4")
    func swiftCheckpointInTransformers() async throws {
        let directory = try TestSupport.temporaryDirectory()
        defer { TestSupport.cleanUp(directory) }
        let config = GPT2Config(
            vocabSize: 47, nPositions: 20, nEmbd: 24, nLayer: 2, nHead: 3, bosTokenId: 1, eosTokenId: 2,
            dropout: 0)
        let model = try TestSupport.perturbedModel(config: config, seed: 11)
        try model.save(huggingFaceDirectory: directory.appendingPathComponent("model"))
        let sequences = TestSupport.randomSequences(count: 5, lengths: 3...20, vocabulary: 47, seed: 3)
        try TestSupport.writeBatch(sequences, to: directory.appendingPathComponent("batch.json"))
        try await TestSupport.runReference([
            "logprobs", directory.appendingPathComponent("model").path,
            directory.appendingPathComponent("batch.json").path,
            directory.appendingPathComponent("out.json").path,
        ])
        let ours = try model.logProbabilityDistributions(TokenBatch(sequences: sequences))
        let difference = try maxDifference(ours, referenceJSON: directory.appendingPathComponent("out.json"))
        #expect(difference < 1e-4, "max |Δ log p| = \(difference)")
    }

    @Test("(b) a checkpoint saved by transformers loads in Swift with equal log-probabilities")
    func transformersCheckpointInSwift() async throws {
        let directory = try TestSupport.temporaryDirectory()
        defer { TestSupport.cleanUp(directory) }
        let modelDirectory = directory.appendingPathComponent("hf")
        try await TestSupport.runReference(["create", modelDirectory.path, "5"])
        let model = try GPT2Model(huggingFaceDirectory: modelDirectory)
        #expect(model.config.bosTokenId == 1 && model.config.eosTokenId == 2)
        let sequences = TestSupport.randomSequences(count: 4, lengths: 2...24, vocabulary: 53, seed: 9)
        try TestSupport.writeBatch(sequences, to: directory.appendingPathComponent("batch.json"))
        try await TestSupport.runReference([
            "logprobs", modelDirectory.path, directory.appendingPathComponent("batch.json").path,
            directory.appendingPathComponent("out.json").path,
        ])
        let ours = try model.logProbabilityDistributions(TokenBatch(sequences: sequences))
        let difference = try maxDifference(ours, referenceJSON: directory.appendingPathComponent("out.json"))
        #expect(difference < 1e-4, "max |Δ log p| = \(difference)")

        // F16 storage of the same weights still loads (values rounded to half precision).
        let halfDirectory = directory.appendingPathComponent("half")
        try model.save(huggingFaceDirectory: halfDirectory, dtype: .f16)
        let half = try GPT2Model(huggingFaceDirectory: halfDirectory)
        let halfScores = try half.sentenceLogProbabilities(sequences)
        let fullScores = try model.sentenceLogProbabilities(sequences)
        for (a, b) in zip(halfScores, fullScores) { #expect(abs(a - b) < 0.05 * max(1, abs(b))) }
    }

    @Test("(c) gradients of one training step match torch within 2e-5 absolute + 1e-3 relative")
    func gradientsMatchTorch() async throws {
        let directory = try TestSupport.temporaryDirectory()
        defer { TestSupport.cleanUp(directory) }
        let config = GPT2Config(
            vocabSize: 41, nPositions: 16, nEmbd: 16, nLayer: 2, nHead: 2, bosTokenId: 1, eosTokenId: 2,
            dropout: 0)
        let model = try TestSupport.perturbedModel(config: config, seed: 21)
        try model.save(huggingFaceDirectory: directory.appendingPathComponent("model"))
        let sequences = TestSupport.randomSequences(count: 4, lengths: 2...16, vocabulary: 41, seed: 4)
        try TestSupport.writeBatch(sequences, to: directory.appendingPathComponent("batch.json"))
        let output = directory.appendingPathComponent("grads.safetensors")
        try await TestSupport.runReference([
            "grads", directory.appendingPathComponent("model").path,
            directory.appendingPathComponent("batch.json").path,
            output.path,
        ])
        let reference = try SafetensorsFile(contentsOf: output).tensors
        var rng: SeededGenerator? = nil
        let ours = try model.lossAndGradients(TokenBatch(sequences: sequences), dropout: &rng)
        let torchLoss = try #require(reference["loss"]).storage[0]
        #expect(abs(ours.meanLoss - torchLoss) < 1e-5)
        #expect(ours.gradients.count == model.parameterShapes.count)
        for (name, gradient) in ours.gradients {
            let expected = try #require(reference[name], "torch has no gradient \(name)")
            #expect(expected.shape == gradient.shape)
            for index in 0..<gradient.count {
                let a = gradient.storage[index]
                let b = expected.storage[index]
                if abs(a - b) > 2e-5 + 1e-3 * abs(b) {
                    Issue.record("\(name)[\(index)]: ours \(a), torch \(b)")
                    break
                }
            }
        }
    }
}
