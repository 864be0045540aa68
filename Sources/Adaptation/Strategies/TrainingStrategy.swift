/// The name of a way to adapt a model: a value of `secondpass train --strategy`, and what run
/// reports and checkpoints record.
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
