import NeuralLM

/// How a model is adapted; each is a value of `secondpass train --strategy`.
public enum TrainingStrategy: String, Sendable, Codable, CaseIterable {
    /// Every base weight trainable, no adapter: the baseline.
    case full
    /// Vanilla LoRA at a fixed rank.
    case lora
    /// AdaLoRA: SVD-form adapters pruned to a budget by importance.
    case adalora
    /// DyLoRA: each step trains a randomly truncated rank so every rank ≤ r_max works.
    case dylora
    /// High-rank LoRA for some steps, then truncated SVD to the target rank, then LoRA.
    case warmup
}

/// Everything that defines a strategy's adapters and schedule.
public struct StrategySettings: Sendable, Codable, Equatable {
    public var strategy: TrainingStrategy
    /// Adapter shape. For `dylora` the rank is r_max; for `warmup` it is the final (target) rank;
    /// for `adalora` it is the initial rank.
    public var lora: LoRAConfiguration
    /// Required for `adalora`.
    public var adaLoRA: AdaLoRASettings?
    /// `warmup`: rank during the warm-up phase.
    public var warmupRank: Int?
    /// `warmup`: optimizer steps at the high rank before the reduction.
    public var warmupSteps: Int?

    public init(
        strategy: TrainingStrategy, lora: LoRAConfiguration, adaLoRA: AdaLoRASettings? = nil,
        warmupRank: Int? = nil, warmupSteps: Int? = nil
    ) {
        self.strategy = strategy
        self.lora = lora
        self.adaLoRA = adaLoRA
        self.warmupRank = warmupRank
        self.warmupSteps = warmupSteps
    }

    /// Checks the settings the strategy needs are present and consistent.
    public func validate() throws {
        if strategy != .full { try lora.validate() }
        switch strategy {
        case .adalora:
            guard let adaLoRA else {
                throw NeuralLMError(
                    .invalidConfiguration, "adalora needs AdaLoRA settings (target rank, schedule)")
            }
            try adaLoRA.validate(initialRank: lora.rank)
        case .warmup:
            guard let warmupRank, let warmupSteps else {
                throw NeuralLMError(
                    .invalidConfiguration, "warmup needs a warm-up rank and a number of warm-up steps")
            }
            guard warmupRank > lora.rank else {
                throw NeuralLMError(
                    .invalidConfiguration,
                    "warm-up rank \(warmupRank) must exceed the target rank \(lora.rank)")
            }
            guard warmupSteps >= 1 else {
                throw NeuralLMError(.invalidConfiguration, "warm-up steps must be at least 1")
            }
        case .full, .lora, .dylora:
            break
        }
    }
}
