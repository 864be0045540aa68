public import Foundation

/// Saving and resuming a `Trainer` exactly.
///
/// Layout of a checkpoint directory: the Hugging Face model files (`config.json`,
/// `model.safetensors`, loadable by transformers), `adapters.safetensors` when adapters are
/// attached, `optimizer.safetensors` (`exp_avg/<name>`, `exp_avg_sq/<name>`) and
/// `trainer_state.json` (step, update count, generator state, training configuration).
extension Trainer {
    struct State: Codable {
        var step: Int
        var updateCount: Int
        /// xoshiro state words as hexadecimal strings (JSON numbers lose 64-bit precision).
        var generator: [String]
        var configuration: TrainingConfiguration
    }

    /// Writes the checkpoint (F32, so resuming is bit-exact).
    public func save(to directory: URL) throws {
        try model.save(huggingFaceDirectory: directory)
        let base = Set(model.parameterShapes.map(\.name))
        let adapterTensors = Dictionary(
            uniqueKeysWithValues: model.namedParameters.filter { !base.contains($0.name) }.map {
                ($0.name, $0.tensor)
            })
        if !adapterTensors.isEmpty {
            try SafetensorsFile(tensors: adapterTensors).write(
                to: directory.appendingPathComponent("adapters.safetensors"))
        }
        var moments: [String: Tensor] = [:]
        for (name, tensor) in optimizer.firstMoments { moments["exp_avg/" + name] = tensor }
        for (name, tensor) in optimizer.secondMoments { moments["exp_avg_sq/" + name] = tensor }
        try SafetensorsFile(tensors: moments).write(
            to: directory.appendingPathComponent("optimizer.safetensors"))
        let state = State(
            step: step, updateCount: optimizer.updateCount,
            generator: generator.state.map { String($0, radix: 16) }, configuration: configuration)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        do {
            try encoder.encode(state).write(
                to: directory.appendingPathComponent("trainer_state.json"), options: .atomic)
        } catch {
            throw NeuralLMError(.ioFailure, "cannot write trainer_state.json: \(error)")
        }
    }

    /// Restores a trainer saved by `save(to:)`.
    ///
    /// - Parameter template: a model with the same adapters attached (for adapter training);
    ///   `nil` builds a plain model from the checkpoint's config.
    public init(resumingFrom directory: URL, template: GPT2Model? = nil) throws {
        let loaded = try GPT2Model(huggingFaceDirectory: directory)
        var model = template ?? loaded
        guard model.config == loaded.config else {
            throw NeuralLMError(.invalidConfiguration, "checkpoint config differs from the template model's")
        }
        let base = loaded.huggingFaceWeights
        let adaptersURL = directory.appendingPathComponent("adapters.safetensors")
        let adapters =
            FileManager.default.fileExists(atPath: adaptersURL.path)
            ? try SafetensorsFile(contentsOf: adaptersURL).tensors : [:]
        try model.forEachParameter { name, tensor, _ in
            guard let value = base[name] ?? adapters[name] else {
                throw NeuralLMError(.tensorMismatch, "checkpoint has no tensor \(name)")
            }
            guard value.shape == tensor.shape else {
                throw NeuralLMError(
                    .tensorMismatch,
                    "checkpoint tensor \(name) has shape \(value.shape), expected \(tensor.shape)")
            }
            tensor = value
        }
        let stateURL = directory.appendingPathComponent("trainer_state.json")
        let state: State
        do {
            state = try JSONDecoder().decode(State.self, from: Data(contentsOf: stateURL))
        } catch {
            throw NeuralLMError(.corruptFile, "trainer_state.json: \(error)")
        }
        let words = try state.generator.map { word -> UInt64 in
            guard let value = UInt64(word, radix: 16) else {
                throw NeuralLMError(
                    .corruptFile, "trainer_state.json: generator word \(word) is not hexadecimal")
            }
            return value
        }
        try self.init(model: model, configuration: state.configuration)
        step = state.step
        generator = try SeededGenerator(state: words)
        optimizer.updateCount = state.updateCount
        let moments = try SafetensorsFile(
            contentsOf: directory.appendingPathComponent("optimizer.safetensors")
        ).tensors
        for (key, tensor) in moments {
            if key.hasPrefix("exp_avg/") {
                optimizer.firstMoments[String(key.dropFirst("exp_avg/".count))] = tensor
            } else if key.hasPrefix("exp_avg_sq/") {
                optimizer.secondMoments[String(key.dropFirst("exp_avg_sq/".count))] = tensor
            } else {
                throw NeuralLMError(.tensorMismatch, "optimizer.safetensors: unexpected tensor \(key)")
            }
        }
    }
}
