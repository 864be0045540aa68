import NeuralLM

/// How the low-rank update is scaled before it is added to the base output.
public enum LoRAScaling: String, Sendable, Codable, CaseIterable {
    /// α / r, the LoRA paper's rule.
    case standard
    /// α / √r, rank-stabilised LoRA (PEFT `use_rslora`), which keeps the update's magnitude
    /// stable as the rank grows.
    case rankStabilized

    /// Scale for rank `rank` and alpha `alpha`.
    public func factor(alpha: Float, rank: Int) -> Float {
        switch self {
        case .standard: alpha / Float(rank)
        case .rankStabilized: alpha / Float(rank).squareRoot()
        }
    }
}

/// Settings of a LoRA-family adapter: where it attaches and how big it is.
public struct LoRAConfiguration: Sendable, Codable, Equatable {
    public var rank: Int
    public var alpha: Float
    /// Dropout probability applied to the adapter's input while training.
    public var dropout: Float
    public var targetModules: [TargetModule]
    public var scaling: LoRAScaling

    public init(
        rank: Int, alpha: Float, dropout: Float = 0, targetModules: [TargetModule] = [.attentionQKV],
        scaling: LoRAScaling = .standard
    ) {
        self.rank = rank
        self.alpha = alpha
        self.dropout = dropout
        self.targetModules = targetModules
        self.scaling = scaling
    }

    /// Checks ranges; every strategy validates before attaching.
    public func validate() throws {
        guard rank >= 1 else {
            throw NeuralLMError(.invalidConfiguration, "rank must be at least 1, got \(rank)")
        }
        guard alpha > 0, alpha.isFinite else {
            throw NeuralLMError(.invalidConfiguration, "alpha must be positive, got \(alpha)")
        }
        guard dropout >= 0, dropout < 1 else {
            throw NeuralLMError(.invalidConfiguration, "dropout must be in [0, 1), got \(dropout)")
        }
        guard !targetModules.isEmpty else {
            throw NeuralLMError(.invalidConfiguration, "at least one target module is required")
        }
    }
}
