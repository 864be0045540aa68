import Foundation
import SecondPassTestSupport

@testable import NeuralLM

/// Shared helpers: tiny models, random batches, temporary directories, the Python reference.
enum TestSupport {
    /// A small configuration that exercises every code path quickly.
    static let tinyConfig = GPT2Config(
        vocabSize: 29, nPositions: 16, nEmbd: 16, nLayer: 2, nHead: 2, bosTokenId: 1, eosTokenId: 2,
        dropout: 0)

    /// A tiny model whose every parameter (LayerNorm and biases included) is perturbed, so no
    /// gradient is trivially zero or one.
    static func perturbedModel(config: GPT2Config = tinyConfig, seed: UInt64 = 7) throws -> GPT2Model {
        var model = try GPT2Model(config: config, seed: seed)
        var rng = SeededGenerator(seed: seed &+ 1000)
        model.forEachParameter { _, tensor, _ in
            for index in 0..<tensor.count { tensor.storage[index] += 0.1 * rng.nextNormal() }
        }
        return model
    }

    /// Random token sequences with lengths in `lengths`.
    static func randomSequences(
        count: Int, lengths: ClosedRange<Int>, vocabulary: Int, seed: UInt64
    ) -> [[Int]] {
        var rng = SeededGenerator(seed: seed)
        return (0..<count).map { _ in
            let length = Int.random(in: lengths, using: &rng)
            return (0..<length).map { _ in Int.random(in: 0..<vocabulary, using: &rng) }
        }
    }

    /// A fresh temporary directory, removed by `cleanUp`.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent(
            "neurallm-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func cleanUp(_ url: URL) {
        try? FileManager.default.removeItem(at: url)
    }

    /// Folder holding Package.swift, found by walking up from this file.
    static var packageRoot: URL { PythonPeer.packageRoot }

    /// Runs `Tests/NeuralLMTests/Python/gpt2_reference.py` with arguments; throws with stderr on failure.
    static func runReference(_ arguments: [String]) async throws {
        try await PythonPeer.runReference(
            script: "Tests/NeuralLMTests/Python/gpt2_reference.py", arguments: arguments)
    }

    /// Writes `{"sequences": …}` for the Python side.
    static func writeBatch(_ sequences: [[Int]], to url: URL) throws {
        let data = try JSONSerialization.data(withJSONObject: ["sequences": sequences])
        try data.write(to: url)
    }
}
