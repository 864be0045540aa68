public import Foundation
public import NeuralLM

/// Saving and resuming an `AdapterTrainer` exactly.
///
/// A checkpoint directory holds `parameters.safetensors` (every trainable tensor by registry
/// name, AdaLoRA adapters at full rank so pruned triplets keep their values), `optimizer.safetensors`
/// (AdamW moments), `allocator.safetensors` (AdaLoRA's EMAs, when used) and `trainer_state.json`
/// (step, generator, strategy and optimisation settings, rank masks).
extension AdapterTrainer {
    struct State: Codable {
        var step: Int
        var updateCount: Int
        var generator: [String]
        var settings: StrategySettings
        var optimization: OptimizationSettings
        var rankMasks: [String: [Bool]]
        var rankPattern: [String: [Bool]]
        var budget: Int?
    }

    /// Writes the checkpoint (F32, so a resumed run continues bit-exactly).
    public func saveCheckpoint(to directory: URL) throws {
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw NeuralLMError(.ioFailure, "cannot create \(directory.path): \(error)")
        }
        var parameters: [String: Tensor] = [:]
        for (name, tensor, trainable) in model.namedParameters where trainable { parameters[name] = tensor }
        var masks: [String: [Bool]] = [:]
        for site in model.adaptedSites {
            if let svd = model.adapter(at: site) as? SVDAdapter { masks[site.name] = svd.rankMask }
        }
        var moments: [String: Tensor] = [:]
        for (name, tensor) in optimizer.firstMoments { moments["exp_avg/" + name] = tensor }
        for (name, tensor) in optimizer.secondMoments { moments["exp_avg_sq/" + name] = tensor }
        var allocatorTensors: [String: Tensor] = [:]
        if let allocator {
            for (name, values) in allocator.sensitivity {
                allocatorTensors["sensitivity/" + name] = Tensor(shape: [values.count], storage: values)
            }
            for (name, values) in allocator.uncertainty {
                allocatorTensors["uncertainty/" + name] = Tensor(shape: [values.count], storage: values)
            }
        }
        let state = State(
            step: step, updateCount: optimizer.updateCount,
            generator: generator.state.map { String($0, radix: 16) },
            settings: settings, optimization: optimization, rankMasks: masks, rankPattern: rankPattern,
            budget: allocator?.currentBudget)
        do {
            try SafetensorsFile(tensors: parameters).write(
                to: directory.appendingPathComponent("parameters.safetensors"))
            try SafetensorsFile(tensors: moments).write(
                to: directory.appendingPathComponent("optimizer.safetensors"))
            try SafetensorsFile(tensors: allocatorTensors).write(
                to: directory.appendingPathComponent("allocator.safetensors"))
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try encoder.encode(state).write(
                to: directory.appendingPathComponent("trainer_state.json"), options: .atomic)
        } catch let error as NeuralLMError {
            throw NeuralLMError(.ioFailure, error.message)
        } catch {
            throw NeuralLMError(.ioFailure, "cannot write checkpoint in \(directory.path): \(error)")
        }
    }

    /// Restores a trainer saved by `saveCheckpoint` on the same base model.
    public init(resumingFrom directory: URL, base: GPT2Model) throws {
        let state: State
        do {
            state = try JSONDecoder().decode(
                State.self, from: Data(contentsOf: directory.appendingPathComponent("trainer_state.json")))
        } catch {
            throw NeuralLMError(.corruptFile, "\(directory.path)/trainer_state.json: \(error)")
        }
        try self.init(base: base, settings: state.settings, optimization: state.optimization)
        if case .warmup(let warmup) = settings.strategy, state.step >= warmup.steps {
            reduceRank(to: settings.lora.rank)
        }
        let parameters: [String: Tensor]
        let moments: [String: Tensor]
        let allocatorTensors: [String: Tensor]
        do {
            parameters = try SafetensorsFile(
                contentsOf: directory.appendingPathComponent("parameters.safetensors")
            ).tensors
            moments = try SafetensorsFile(
                contentsOf: directory.appendingPathComponent("optimizer.safetensors")
            ).tensors
            allocatorTensors = try SafetensorsFile(
                contentsOf: directory.appendingPathComponent("allocator.safetensors")
            ).tensors
        } catch let error as NeuralLMError {
            throw NeuralLMError(.corruptFile, error.message)
        }
        try model.forEachParameter { name, tensor, trainable in
            guard trainable else { return }
            guard let value = parameters[name] else {
                throw NeuralLMError(.corruptFile, "checkpoint has no tensor \(name)")
            }
            guard value.shape == tensor.shape else {
                throw NeuralLMError(
                    .baseMismatch,
                    "checkpoint tensor \(name) has shape \(value.shape), expected \(tensor.shape)")
            }
            tensor = value
        }
        for (siteName, mask) in state.rankMasks {
            guard let site = model.adaptedSites.first(where: { $0.name == siteName }),
                var svd = model.adapter(at: site) as? SVDAdapter, svd.rank == mask.count
            else { throw NeuralLMError(.corruptFile, "rank mask for unknown module \(siteName)") }
            svd.rankMask = mask
            model.setAdapter(svd, at: site)
        }
        for (key, tensor) in moments {
            if key.hasPrefix("exp_avg/") {
                optimizer.firstMoments[String(key.dropFirst("exp_avg/".count))] = tensor
            } else if key.hasPrefix("exp_avg_sq/") {
                optimizer.secondMoments[String(key.dropFirst("exp_avg_sq/".count))] = tensor
            } else {
                throw NeuralLMError(.corruptFile, "optimizer.safetensors: unexpected tensor \(key)")
            }
        }
        optimizer.updateCount = state.updateCount
        if var allocator {
            for (key, tensor) in allocatorTensors {
                if key.hasPrefix("sensitivity/") {
                    allocator.sensitivity[String(key.dropFirst("sensitivity/".count))] = tensor.storage
                } else if key.hasPrefix("uncertainty/") {
                    allocator.uncertainty[String(key.dropFirst("uncertainty/".count))] = tensor.storage
                }
            }
            if let budget = state.budget { allocator.currentBudget = budget }
            self.allocator = allocator
        }
        let words = try state.generator.map { word -> UInt64 in
            guard let value = UInt64(word, radix: 16) else {
                throw NeuralLMError(
                    .corruptFile, "trainer_state.json: generator word \(word) is not hexadecimal")
            }
            return value
        }
        do {
            generator = try SeededGenerator(state: words)
        } catch {
            throw NeuralLMError(.corruptFile, "trainer_state.json: \(error)")
        }
        step = state.step
        rankPattern = state.rankPattern
    }
}
