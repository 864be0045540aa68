import Foundation
import NeuralLM
import SecondPassTestSupport

@testable import Adaptation

/// Shared helpers: tiny perturbed models, batches, temporary directories and the PEFT reference.
enum Support {
    static let tinyConfig = GPT2Config(
        vocabSize: 31, nPositions: 16, nEmbd: 16, nLayer: 2, nHead: 2, bosTokenId: 1, eosTokenId: 2,
        dropout: 0)

    /// A tiny model whose every parameter is perturbed so no gradient is trivially zero.
    static func perturbedModel(config: GPT2Config = tinyConfig, seed: UInt64 = 7) throws -> GPT2Model {
        var model = try GPT2Model(config: config, seed: seed)
        var rng = SeededGenerator(seed: seed &+ 1000)
        model.forEachParameter { _, tensor, _ in
            for index in 0..<tensor.count { tensor.storage[index] += 0.1 * rng.nextNormal() }
        }
        return model
    }

    /// Randomises every adapter parameter (B included) so the adapters change the outputs.
    static func perturbAdapters(_ model: inout GPT2Model, seed: UInt64, scale: Float = 0.2) {
        var rng = SeededGenerator(seed: seed)
        for site in model.adaptedSites {
            guard var adapter = model.adapter(at: site) else { continue }
            for (name, tensor) in adapter.parameters {
                var updated = tensor
                for index in 0..<updated.count { updated.storage[index] += scale * rng.nextNormal() }
                try! adapter.setParameter(named: name, to: updated)
            }
            model.setAdapter(adapter, at: site)
        }
    }

    static func randomSequences(count: Int, lengths: ClosedRange<Int>, vocabulary: Int, seed: UInt64)
        -> [[Int]]
    {
        var rng = SeededGenerator(seed: seed)
        return (0..<count).map { _ in
            let length = Int.random(in: lengths, using: &rng)
            return (0..<length).map { _ in Int.random(in: 0..<vocabulary, using: &rng) }
        }
    }

    static func maxDifference(_ a: [Tensor], _ b: [Tensor]) -> Float {
        zip(a, b).map { $0.maxAbsDifference($1) }.max() ?? 0
    }

    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent(
            "adaptation-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func cleanUp(_ url: URL) { try? FileManager.default.removeItem(at: url) }

    static var packageRoot: URL { PythonPeer.packageRoot }

    /// Runs `Tests/AdaptationTests/Python/peft_reference.py`; throws with stderr on failure.
    static func runPEFT(_ arguments: [String]) async throws {
        try await PythonPeer.runReference(
            script: "Tests/AdaptationTests/Python/peft_reference.py", arguments: arguments)
    }

    static func writeBatch(_ sequences: [[Int]], to url: URL) throws {
        try JSONSerialization.data(withJSONObject: ["sequences": sequences]).write(to: url)
    }

    /// Reads `{"log_probs": [[[…]]]}` written by the reference.
    static func readLogProbabilities(_ url: URL) throws -> [[[Double]]] {
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any]
        guard let values = object?["log_probs"] as? [[[Double]]] else {
            throw PythonPeer.Failure(description: "no log_probs in \(url.path)")
        }
        return values
    }

    /// Largest |ours − reference| over every log-probability.
    static func maxDifference(_ ours: [Tensor], reference: [[[Double]]]) -> Float {
        var worst: Float = ours.count == reference.count ? 0 : .infinity
        for (tensor, rows) in zip(ours, reference) {
            if rows.count != tensor.rows { return .infinity }
            for (row, values) in rows.enumerated() {
                for (column, value) in values.enumerated() {
                    worst = max(worst, abs(tensor[row, column] - Float(value)))
                }
            }
        }
        return worst
    }
}
