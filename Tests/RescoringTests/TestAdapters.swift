import Adaptation
import Foundation
import NeuralLM
import Rescoring

/// PEFT adapter folders made for a test engine's base, in a temporary root removed afterwards.
enum TestAdapters {
    /// Runs `body` with a fresh temporary directory, removed afterwards (also on failure).
    static func withTemporaryRoot<Result>(_ body: (URL) async throws -> Result) async throws -> Result {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent(
            "rescorer-adapters-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        return try await body(root)
    }

    /// Writes a LoRA adapter for `engine`'s base into `directory`, with non-zero factors drawn
    /// from `seed` (a fresh LoRA's B is zero and would change no score).
    static func save(for engine: RescoringEngine, seed: UInt64, to directory: URL) throws {
        var model = engine.model
        let configuration = LoRAConfiguration(
            rank: 2, alpha: 4, targetModules: [.attentionQKV, .mlpProjection])
        try model.attachLoRA(configuration, seed: seed)
        var rng = SeededGenerator(seed: seed + 100)
        for site in model.adaptedSites {
            guard var adapter = model.adapter(at: site) else { continue }
            for (name, tensor) in adapter.parameters {
                var updated = tensor
                for index in 0..<updated.count { updated.storage[index] += 0.5 * rng.nextNormal() }
                try adapter.setParameter(named: name, to: updated)
            }
            model.setAdapter(adapter, at: site)
        }
        try PEFTAdapterFiles.save(model: model, configuration: configuration, baseName: "tiny", to: directory)
    }

    /// `engine` also serving the adapter in `directory` as `name`: the reference a served result
    /// is compared with.
    static func engine(_ engine: RescoringEngine, serving name: String, from directory: URL) throws
        -> RescoringEngine
    {
        try engine.updatingModel { model in
            try PEFTAdapterFiles.loadServing(named: name, from: directory, into: &model)
        }
    }
}
