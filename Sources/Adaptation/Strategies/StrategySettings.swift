import NeuralLM

/// Everything that defines a strategy's adapters and schedule.
///
/// The strategy carries the settings only it needs, so a trainer never meets an AdaLoRA run
/// without a schedule or a warm-up run without a warm-up rank.
public struct StrategySettings: Sendable, Equatable {
    /// A strategy with its own settings.
    public enum Strategy: Sendable, Equatable {
        /// Every base weight trainable, no adapter.
        case full
        /// LoRA at `lora.rank`.
        case lora
        /// AdaLoRA from `lora.rank` down to the schedule's budget.
        case adalora(AdaLoRASettings)
        /// DyLoRA with r_max = `lora.rank`.
        case dylora
        /// LoRA at a higher rank first, then reduced to `lora.rank`.
        case warmup(WarmupSettings)

        /// The strategy's name on the command line and in reports.
        public var name: TrainingStrategy {
            switch self {
            case .full: .full
            case .lora: .lora
            case .adalora: .adalora
            case .dylora: .dylora
            case .warmup: .warmup
            }
        }

        /// AdaLoRA's schedule, for code that records it (PEFT's `adapter_config.json`).
        public var adaLoRA: AdaLoRASettings? {
            if case .adalora(let settings) = self { settings } else { nil }
        }
    }

    public var strategy: Strategy
    /// Adapter shape. For `dylora` the rank is r_max; for `warmup` it is the final (target) rank;
    /// for `adalora` it is the initial rank.
    public var lora: LoRAConfiguration

    public init(strategy: Strategy, lora: LoRAConfiguration) {
        self.strategy = strategy
        self.lora = lora
    }

    /// Checks the strategy's settings are in range and consistent with `lora`.
    public func validate() throws {
        if strategy != .full { try lora.validate() }
        switch strategy {
        case .adalora(let adaLoRA):
            try adaLoRA.validate(initialRank: lora.rank)
        case .warmup(let warmup):
            guard warmup.rank > lora.rank else {
                throw NeuralLMError(
                    .invalidConfiguration,
                    "warm-up rank \(warmup.rank) must exceed the target rank \(lora.rank)")
            }
            guard warmup.steps >= 1 else {
                throw NeuralLMError(.invalidConfiguration, "warm-up steps must be at least 1")
            }
        case .full, .lora, .dylora:
            break
        }
    }
}

/// The warm-up strategy's high-rank phase.
public struct WarmupSettings: Sendable, Equatable {
    /// Rank during the warm-up phase.
    public var rank: Int
    /// Optimizer steps at the high rank before the reduction.
    public var steps: Int

    public init(rank: Int, steps: Int) {
        self.rank = rank
        self.steps = steps
    }
}
