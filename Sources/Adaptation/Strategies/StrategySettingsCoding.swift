/// The flat JSON form `trainer_state.json` has always used: `strategy` (its name), `lora`, and
/// `adaLoRA` or `warmupRank`/`warmupSteps` only for the strategy that needs them.
///
/// Kept so checkpoints written before the strategy carried its settings still resume; a missing
/// setting is a decoding error naming the key.
extension StrategySettings: Codable {
    private enum CodingKeys: String, CodingKey {
        case strategy, lora, adaLoRA, warmupRank, warmupSteps
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        lora = try container.decode(LoRAConfiguration.self, forKey: .lora)
        switch try container.decode(TrainingStrategy.self, forKey: .strategy) {
        case .full: strategy = .full
        case .lora: strategy = .lora
        case .dylora: strategy = .dylora
        case .adalora: strategy = .adalora(try container.decode(AdaLoRASettings.self, forKey: .adaLoRA))
        case .warmup:
            strategy = .warmup(
                WarmupSettings(
                    rank: try container.decode(Int.self, forKey: .warmupRank),
                    steps: try container.decode(Int.self, forKey: .warmupSteps)))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(strategy.name, forKey: .strategy)
        try container.encode(lora, forKey: .lora)
        switch strategy {
        case .adalora(let adaLoRA):
            try container.encode(adaLoRA, forKey: .adaLoRA)
        case .warmup(let warmup):
            try container.encode(warmup.rank, forKey: .warmupRank)
            try container.encode(warmup.steps, forKey: .warmupSteps)
        case .full, .lora, .dylora:
            break
        }
    }
}
