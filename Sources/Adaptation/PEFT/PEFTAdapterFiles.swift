public import Foundation
public import NeuralLM

/// Reading and writing adapters in PEFT 0.10's directory layout.
///
/// `adapter_config.json` plus `adapter_model.safetensors` with keys
/// `base_model.model.transformer.h.N.<module>.lora_A.weight` / `lora_B.weight` (LoRA) or
/// `….lora_A` / `lora_E` / `lora_B` (AdaLoRA, resized to the kept triplets of `rank_pattern`).
public enum PEFTAdapterFiles {
    static let keyPrefix = "base_model.model."
    static let fingerprintKey = "secondpass.base_fingerprint"

    /// Writes the adapters attached to `model` into `directory`.
    ///
    /// - Parameters:
    ///   - configuration: rank, alpha, dropout, modules and scaling the adapters were made with.
    ///   - adaLoRA: AdaLoRA schedule settings to record (nil for vanilla LoRA files).
    ///   - baseName: recorded as `base_model_name_or_path`.
    public static func save(
        model: GPT2Model, configuration: LoRAConfiguration, adaLoRA: AdaLoRASettings? = nil,
        baseName: String, to directory: URL
    ) throws {
        let sites = model.adaptedSites
        guard !sites.isEmpty else {
            throw NeuralLMError(.invalidConfiguration, "the model has no adapters to save")
        }
        var tensors: [String: Tensor] = [:]
        var rankPattern: [String: [Bool]] = [:]
        var initialRank: Int? = nil
        for site in sites {
            let prefix = keyPrefix + site.name + "."
            switch model.adapter(at: site) {
            case let lora as LoRAAdapter:
                // A DyLoRA adapter saved at a truncated rank stores only its first components.
                let saved = lora.truncatedFactors
                tensors[prefix + "lora_A.weight"] = saved.a
                tensors[prefix + "lora_B.weight"] = saved.b
            case let svd as SVDAdapter:
                let resized = svd.resized(keeping: svd.rankMask)
                tensors[prefix + "lora_A"] = resized.a
                tensors[prefix + "lora_E"] = resized.e
                tensors[prefix + "lora_B"] = resized.b
                rankPattern[site.name + ".lora_E"] = svd.rankMask
                initialRank = svd.initialRank
            default:
                throw NeuralLMError(.invalidConfiguration, "adapter at \(site.name) has no PEFT form")
            }
        }
        let isAdaLoRA = initialRank != nil
        // The stored rank is the adapters' own (warm-up and DyLoRA change it from the configured one).
        let storedRank = sites.compactMap { (model.adapter(at: $0) as? LoRAAdapter)?.effectiveRank }.first
        var config = PEFTAdapterConfig(
            peftType: isAdaLoRA ? "ADALORA" : "LORA", r: storedRank ?? configuration.rank,
            loraAlpha: configuration.alpha,
            loraDropout: configuration.dropout, targetModules: configuration.targetModules.map(\.rawValue))
        config.baseModelNameOrPath = baseName
        config.useRslora = configuration.scaling == .rankStabilized
        if isAdaLoRA {
            config.rankPattern = rankPattern
            config.initR = initialRank
            config.targetR = adaLoRA?.targetRank ?? configuration.rank
            config.tinit = adaLoRA?.initialWarmupSteps ?? 0
            config.tfinal = adaLoRA?.finalFixedSteps ?? 0
            config.deltaT = adaLoRA?.maskInterval ?? 1
            config.beta1 = adaLoRA?.beta1 ?? 0.85
            config.beta2 = adaLoRA?.beta2 ?? 0.85
            config.orthRegWeight = adaLoRA?.orthogonalityWeight ?? 0.5
            config.totalStep = adaLoRA?.totalSteps
        }
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try encoder.encode(config).write(
                to: directory.appendingPathComponent("adapter_config.json"), options: .atomic)
        } catch {
            throw NeuralLMError(
                .ioFailure, "cannot write adapter_config.json in \(directory.path): \(error)")
        }
        let file = SafetensorsFile(
            tensors: tensors, metadata: ["format": "pt", fingerprintKey: BaseFingerprint.of(model)])
        do {
            try file.write(to: directory.appendingPathComponent("adapter_model.safetensors"))
        } catch {
            throw NeuralLMError(.ioFailure, "\(error)")
        }
    }

    /// What `load` found: the adapter settings and, for AdaLoRA, the rank pattern.
    public struct Loaded: Sendable {
        public var configuration: LoRAConfiguration
        public var config: PEFTAdapterConfig
        /// Kept rank per module for AdaLoRA files.
        public var rankPattern: [String: Int]
    }

    /// Attaches the adapter stored in `directory` to `model` (replacing any attached adapters).
    ///
    /// Validates the config (type, modules, bias, DoRA), every tensor's presence and shape
    /// against the base projections, and the base fingerprint when the file carries one.
    @discardableResult
    public static func load(from directory: URL, into model: inout GPT2Model) throws -> Loaded {
        let configURL = directory.appendingPathComponent("adapter_config.json")
        let configData: Data
        do {
            configData = try Data(contentsOf: configURL)
        } catch {
            throw NeuralLMError(.ioFailure, "cannot read \(configURL.path): \(error.localizedDescription)")
        }
        let config: PEFTAdapterConfig
        do {
            config = try JSONDecoder().decode(PEFTAdapterConfig.self, from: configData)
        } catch {
            throw NeuralLMError(.corruptFile, "adapter_config.json is not a PEFT config: \(error)")
        }
        guard config.peftType == "LORA" || config.peftType == "ADALORA" else {
            throw NeuralLMError(
                .corruptFile, "adapter_config.json: peft_type \(config.peftType) is not LORA or ADALORA")
        }
        guard config.bias ?? "none" == "none", config.modulesToSave?.isEmpty ?? true,
            !(config.useDora ?? false)
        else {
            throw NeuralLMError(
                .corruptFile, "adapter_config.json: bias training, modules_to_save and DoRA are not supported"
            )
        }
        let modules = try config.matchedModules()
        let file: SafetensorsFile
        do {
            file = try SafetensorsFile(
                contentsOf: directory.appendingPathComponent("adapter_model.safetensors"))
        } catch let error as NeuralLMError {
            throw NeuralLMError(error.code == .ioFailure ? .ioFailure : .corruptFile, error.message)
        }
        if let recorded = file.metadata[fingerprintKey] {
            let actual = BaseFingerprint.of(model)
            guard recorded == actual else {
                throw NeuralLMError(
                    .baseMismatch,
                    "adapter was trained on base \(recorded) but this base is \(actual) (\(config.baseModelNameOrPath ?? "unnamed"))"
                )
            }
        }
        let isAdaLoRA = config.peftType == "ADALORA"
        let scaling: LoRAScaling = (config.useRslora ?? false) ? .rankStabilized : .standard
        var sites = model.sites(for: modules)
        if let layers = config.layersToTransform { sites = sites.filter { layers.contains($0.layer) } }
        var used = Set<String>()
        func tensor(_ key: String) throws -> Tensor {
            guard let value = file.tensors[keyPrefix + key] ?? file.tensors[key] else {
                throw NeuralLMError(
                    .baseMismatch, "adapter_model.safetensors has no tensor \(keyPrefix + key)")
            }
            used.insert(file.tensors[keyPrefix + key] != nil ? keyPrefix + key : key)
            return value
        }
        var adapters: [(AdapterSite, any MergeableAdapter)] = []
        var rankPattern: [String: Int] = [:]
        for site in sites {
            let base = model.projection(at: site)
            let a = try tensor(site.name + (isAdaLoRA ? ".lora_A" : ".lora_A.weight"))
            let b = try tensor(site.name + (isAdaLoRA ? ".lora_B" : ".lora_B.weight"))
            let rank = a.shape.first ?? 0
            guard a.shape == [rank, base.inFeatures], b.shape == [base.outFeatures, rank] else {
                throw NeuralLMError(
                    .baseMismatch,
                    "\(site.name): lora_A \(a.shape) and lora_B \(b.shape) do not fit a [\(base.inFeatures), \(base.outFeatures)] projection"
                )
            }
            if isAdaLoRA {
                let e = try tensor(site.name + ".lora_E")
                guard e.shape == [rank, 1] else {
                    throw NeuralLMError(
                        .baseMismatch, "\(site.name): lora_E has shape \(e.shape), expected [\(rank), 1]")
                }
                let initial = config.initR ?? config.r
                guard initial >= rank else {
                    throw NeuralLMError(
                        .corruptFile, "\(site.name): rank \(rank) exceeds init_r \(initial)")
                }
                adapters.append(
                    (
                        site,
                        SVDAdapter(
                            a: a, e: e, b: b, alpha: config.loraAlpha > 0 ? config.loraAlpha : Float(initial),
                            initialRank: initial, dropout: config.loraDropout)
                    ))
                rankPattern[site.name] = rank
            } else {
                guard rank >= 1 else {
                    throw NeuralLMError(.corruptFile, "\(site.name): rank 0 LoRA factors")
                }
                adapters.append(
                    (
                        site,
                        LoRAAdapter(
                            a: a, b: b, alpha: config.loraAlpha, dropout: config.loraDropout, scaling: scaling
                        )
                    ))
            }
        }
        let unexpected = Set(file.tensors.keys).subtracting(used)
        if let first = unexpected.sorted().first {
            throw NeuralLMError(
                .baseMismatch,
                "adapter_model.safetensors has \(unexpected.count) unexpected tensor(s), e.g. \(first)")
        }
        for (name, value) in file.tensors where !value.storage.allSatisfy(\.isFinite) {
            throw NeuralLMError(.corruptFile, "tensor \(name) holds NaN or infinite values")
        }
        model.detachAdapters()
        model.setBaseRequiresGrad(false)
        for (site, adapter) in adapters { model.setAdapter(adapter, at: site) }
        let configuration = LoRAConfiguration(
            rank: isAdaLoRA ? (config.initR ?? config.r) : config.r, alpha: config.loraAlpha,
            dropout: config.loraDropout, targetModules: modules, scaling: scaling)
        return Loaded(configuration: configuration, config: config, rankPattern: rankPattern)
    }
}
