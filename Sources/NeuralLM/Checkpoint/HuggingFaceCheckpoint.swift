public import Foundation

/// Loading and saving GPT-2 checkpoints in the Hugging Face layout (`config.json` +
/// `model.safetensors`), so `transformers.GPT2LMHeadModel.from_pretrained` reads ours and we read
/// theirs.
extension GPT2Model {
    /// Buffers that transformers may store but that carry no learned values.
    private static func isIgnoredBuffer(_ name: String) -> Bool {
        name.hasSuffix(".attn.bias") || name.hasSuffix(".attn.masked_bias")
    }

    /// A model from a configuration and weights keyed by Hugging Face name.
    ///
    /// Accepts names with or without the `transformer.` prefix (GPT2LMHeadModel or GPT2Model) and
    /// an optional `lm_head.weight`, which must equal the token embedding because the head is tied.
    /// Missing, unexpected or mis-shaped tensors are `.tensorMismatch` errors.
    public init(config: GPT2Config, weights: [String: Tensor]) throws {
        try config.validate()
        var normalized: [String: Tensor] = [:]
        var lmHead: Tensor? = nil
        for (name, tensor) in weights {
            if name == "lm_head.weight" {
                lmHead = tensor
                continue
            }
            if Self.isIgnoredBuffer(name) { continue }
            let key = name.hasPrefix("transformer.") ? name : "transformer." + name
            guard normalized[key] == nil else {
                throw NeuralLMError(.tensorMismatch, "tensor \(key) appears twice (with and without prefix)")
            }
            normalized[key] = tensor
        }
        var model = try GPT2Model(config: config, seed: nil)
        let expected = Dictionary(uniqueKeysWithValues: model.parameterShapes.map { ($0.name, $0.shape) })
        if let unexpected = normalized.keys.sorted().first(where: { expected[$0] == nil }) {
            throw NeuralLMError(.tensorMismatch, "unexpected tensor \(unexpected)")
        }
        try model.forEachParameter { name, tensor, _ in
            guard let loaded = normalized[name] else {
                throw NeuralLMError(.tensorMismatch, "missing tensor \(name)")
            }
            guard loaded.shape == tensor.shape else {
                throw NeuralLMError(
                    .tensorMismatch,
                    "tensor \(name) has shape \(loaded.shape), config requires \(tensor.shape)")
            }
            tensor = loaded
        }
        if let lmHead {
            guard lmHead.shape == model.tokenEmbedding.shape else {
                throw NeuralLMError(
                    .tensorMismatch,
                    "lm_head.weight has shape \(lmHead.shape), expected \(model.tokenEmbedding.shape)")
            }
            guard lmHead.maxAbsDifference(model.tokenEmbedding) == 0 else {
                throw NeuralLMError(
                    .tensorMismatch,
                    "lm_head.weight differs from transformer.wte.weight; the head must be tied")
            }
        }
        self = model
    }

    /// Reads `config.json` and `model.safetensors` (F32, F16 or BF16) from a directory.
    public init(huggingFaceDirectory directory: URL) throws {
        let configURL = directory.appendingPathComponent("config.json")
        let configData: Data
        do {
            configData = try Data(contentsOf: configURL)
        } catch {
            throw NeuralLMError(.ioFailure, "cannot read \(configURL.path): \(error.localizedDescription)")
        }
        let config: GPT2Config
        do {
            config = try JSONDecoder().decode(GPT2Config.self, from: configData)
        } catch let error as NeuralLMError {
            throw error
        } catch {
            throw NeuralLMError(.invalidConfiguration, "config.json: \(error)")
        }
        let file = try SafetensorsFile(contentsOf: directory.appendingPathComponent("model.safetensors"))
        try self.init(config: config, weights: file.tensors)
    }

    /// Base weights by Hugging Face name (tied head not duplicated).
    public var huggingFaceWeights: [String: Tensor] {
        var weights: [String: Tensor] = [:]
        for (name, tensor, _) in namedParameters where parameterShapes.contains(where: { $0.name == name }) {
            weights[name] = tensor
        }
        return weights
    }

    /// Writes `config.json` and `model.safetensors` (F32 or F16 storage) into a directory.
    public func save(huggingFaceDirectory directory: URL, dtype: SafetensorsDType = .f32) throws {
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try encoder.encode(config).write(
                to: directory.appendingPathComponent("config.json"), options: .atomic)
        } catch {
            throw NeuralLMError(.ioFailure, "cannot write config to \(directory.path): \(error)")
        }
        let file = SafetensorsFile(tensors: huggingFaceWeights, metadata: ["format": "pt"])
        try file.write(to: directory.appendingPathComponent("model.safetensors"), as: dtype)
    }
}
