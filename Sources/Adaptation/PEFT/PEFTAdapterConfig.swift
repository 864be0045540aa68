import Foundation
import NeuralLM

/// The subset of PEFT 0.10's `adapter_config.json` that LoRA and AdaLoRA adapters use.
///
/// Field names are PEFT's; writing fills every field PEFT reads so `PeftModel.from_pretrained`
/// accepts our files, and reading ignores fields that do not change the computation.
public struct PEFTAdapterConfig: Codable, Sendable, Equatable {
    /// `LORA` or `ADALORA`.
    public var peftType: String
    public var taskType: String? = "CAUSAL_LM"
    public var baseModelNameOrPath: String?
    public var r: Int
    public var loraAlpha: Float
    public var loraDropout: Float
    /// Module-name suffixes; PEFT matches `name == t || name.hasSuffix("." + t)`.
    public var targetModules: [String]
    public var useRslora: Bool? = false
    public var fanInFanOut: Bool? = true
    public var bias: String? = "none"
    public var inferenceMode: Bool? = true
    public var initLoraWeights: Bool? = true
    public var layersToTransform: [Int]?
    public var modulesToSave: [String]?
    public var useDora: Bool? = false
    /// AdaLoRA: kept triplets per `transformer.h.N.<module>.lora_E`.
    public var rankPattern: [String: [Bool]]?
    public var targetR: Int?
    public var initR: Int?
    public var tinit: Int?
    public var tfinal: Int?
    public var deltaT: Int?
    public var beta1: Float?
    public var beta2: Float?
    public var orthRegWeight: Float?
    public var totalStep: Int?

    enum CodingKeys: String, CodingKey {
        case peftType = "peft_type"
        case taskType = "task_type"
        case baseModelNameOrPath = "base_model_name_or_path"
        case r
        case loraAlpha = "lora_alpha"
        case loraDropout = "lora_dropout"
        case targetModules = "target_modules"
        case useRslora = "use_rslora"
        case fanInFanOut = "fan_in_fan_out"
        case bias
        case inferenceMode = "inference_mode"
        case initLoraWeights = "init_lora_weights"
        case layersToTransform = "layers_to_transform"
        case modulesToSave = "modules_to_save"
        case useDora = "use_dora"
        case rankPattern = "rank_pattern"
        case targetR = "target_r"
        case initR = "init_r"
        case tinit, tfinal
        case deltaT = "deltaT"
        case beta1, beta2
        case orthRegWeight = "orth_reg_weight"
        case totalStep = "total_step"
    }

    public init(peftType: String, r: Int, loraAlpha: Float, loraDropout: Float, targetModules: [String]) {
        self.peftType = peftType
        self.r = r
        self.loraAlpha = loraAlpha
        self.loraDropout = loraDropout
        self.targetModules = targetModules
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        peftType = try c.decode(String.self, forKey: .peftType)
        taskType = try c.decodeIfPresent(String.self, forKey: .taskType)
        baseModelNameOrPath = try c.decodeIfPresent(String.self, forKey: .baseModelNameOrPath)
        r = try c.decodeIfPresent(Int.self, forKey: .r) ?? 8
        loraAlpha = try c.decodeIfPresent(Float.self, forKey: .loraAlpha) ?? 8
        loraDropout = try c.decodeIfPresent(Float.self, forKey: .loraDropout) ?? 0
        if let list = try? c.decodeIfPresent([String].self, forKey: .targetModules) {
            targetModules = list
        } else if let single = try? c.decodeIfPresent(String.self, forKey: .targetModules) {
            targetModules = [single]
        } else {
            targetModules = []
        }
        useRslora = try c.decodeIfPresent(Bool.self, forKey: .useRslora)
        fanInFanOut = try c.decodeIfPresent(Bool.self, forKey: .fanInFanOut)
        bias = try c.decodeIfPresent(String.self, forKey: .bias)
        inferenceMode = try c.decodeIfPresent(Bool.self, forKey: .inferenceMode)
        initLoraWeights = try? c.decodeIfPresent(Bool.self, forKey: .initLoraWeights)
        if let layers = try? c.decodeIfPresent([Int].self, forKey: .layersToTransform) {
            layersToTransform = layers
        } else if let layer = try? c.decodeIfPresent(Int.self, forKey: .layersToTransform) {
            layersToTransform = [layer]
        }
        modulesToSave = try c.decodeIfPresent([String].self, forKey: .modulesToSave)
        useDora = try c.decodeIfPresent(Bool.self, forKey: .useDora)
        rankPattern = try c.decodeIfPresent([String: [Bool]].self, forKey: .rankPattern)
        targetR = try c.decodeIfPresent(Int.self, forKey: .targetR)
        initR = try c.decodeIfPresent(Int.self, forKey: .initR)
        tinit = try c.decodeIfPresent(Int.self, forKey: .tinit)
        tfinal = try c.decodeIfPresent(Int.self, forKey: .tfinal)
        deltaT = try c.decodeIfPresent(Int.self, forKey: .deltaT)
        beta1 = try c.decodeIfPresent(Float.self, forKey: .beta1)
        beta2 = try c.decodeIfPresent(Float.self, forKey: .beta2)
        orthRegWeight = try c.decodeIfPresent(Float.self, forKey: .orthRegWeight)
        totalStep = try c.decodeIfPresent(Int.self, forKey: .totalStep)
    }

    /// Our target modules matched by PEFT's suffix rule (`c_proj` matches both projections).
    public func matchedModules() throws -> [TargetModule] {
        var result: [TargetModule] = []
        for pattern in targetModules {
            let matches = TargetModule.allCases.filter {
                $0.rawValue == pattern || $0.rawValue.hasSuffix("." + pattern)
            }
            guard !matches.isEmpty else {
                throw NeuralLMError(
                    .baseMismatch,
                    "target module '\(pattern)' matches no GPT-2 projection (attn.c_attn, attn.c_proj, mlp.c_fc, mlp.c_proj)"
                )
            }
            for module in matches where !result.contains(module) { result.append(module) }
        }
        guard !result.isEmpty else {
            throw NeuralLMError(.corruptFile, "adapter_config.json: target_modules is empty")
        }
        return result
    }
}
