/// Settings of a training run that a checkpoint must restore.
public struct TrainingConfiguration: Codable, Sendable, Equatable {
    public var schedule: LearningRateSchedule
    public var optimizer: AdamW.Hyperparameters
    /// Clip the global gradient norm to this value; `nil` disables clipping.
    public var maxGradientNorm: Float?
    /// Micro-batches per optimizer step; the batch is split into this many contiguous parts.
    public var accumulationSteps: Int
    /// Apply the model's dropout probabilities during training.
    public var dropout: Bool
    /// Seed of the dropout generator.
    public var seed: UInt64

    public init(
        schedule: LearningRateSchedule, optimizer: AdamW.Hyperparameters = .init(),
        maxGradientNorm: Float? = 1.0,
        accumulationSteps: Int = 1, dropout: Bool = true, seed: UInt64 = 0
    ) {
        self.schedule = schedule
        self.optimizer = optimizer
        self.maxGradientNorm = maxGradientNorm
        self.accumulationSteps = accumulationSteps
        self.dropout = dropout
        self.seed = seed
    }
}

/// What one optimizer step did.
public struct TrainStepResult: Sendable {
    /// Mean token NLL of the batch (before the update).
    public var loss: Float
    /// Global gradient norm before clipping.
    public var gradientNorm: Float
    /// Learning rate used.
    public var learningRate: Float
    /// Predicted tokens in the batch.
    public var tokenCount: Int
}

/// Owns a model, its optimizer and generator, and applies training steps.
///
/// The unit a CLI drives: `trainStep(batch)` returns the loss; `save`/`init(resumingFrom:)`
/// round-trip everything (parameters, moments, step, generator) so a resumed run is bit-identical
/// to an uninterrupted one.
public struct Trainer: Sendable {
    public var model: GPT2Model
    public var optimizer: AdamW
    public let configuration: TrainingConfiguration
    /// Dropout generator; its state is checkpointed.
    public var generator: SeededGenerator
    /// Optimizer steps taken.
    public internal(set) var step = 0

    public init(model: GPT2Model, configuration: TrainingConfiguration) throws {
        guard configuration.accumulationSteps >= 1 else {
            throw NeuralLMError(.invalidConfiguration, "accumulationSteps must be at least 1")
        }
        self.model = model
        self.configuration = configuration
        self.optimizer = AdamW(hyperparameters: configuration.optimizer)
        self.generator = SeededGenerator(seed: configuration.seed)
    }

    /// One optimizer step on a batch of token sequences (each framed by the caller, e.g. BOS…EOS).
    ///
    /// The batch is split into `accumulationSteps` micro-batches whose gradients sum to those of
    /// the whole batch's mean loss; then clipping, the scheduled learning rate and AdamW.
    @discardableResult
    public mutating func trainStep(_ batch: TokenBatch) throws -> TrainStepResult {
        let sequences = batch.sequences
        let parts = min(configuration.accumulationSteps, sequences.count)
        guard parts > 0 else { throw NeuralLMError(.invalidInput, "empty batch") }
        let totalTokens = sequences.reduce(0) { $0 + max(0, $1.count - 1) }
        var gradients: [String: Tensor] = [:]
        var lossSum = 0.0
        var rng: SeededGenerator? = configuration.dropout ? generator : nil
        for part in 0..<parts {
            let lower = part * sequences.count / parts
            let upper = (part + 1) * sequences.count / parts
            let micro = TokenBatch(sequences: Array(sequences[lower..<upper]))
            let result = try model.lossAndGradients(micro, normalizer: totalTokens, dropout: &rng)
            lossSum += result.lossSum
            for (name, gradient) in result.gradients {
                if gradients[name] == nil {
                    gradients[name] = gradient
                } else {
                    gradients[name]!.add(gradient)
                }
            }
        }
        if let rng { generator = rng }
        let norm =
            configuration.maxGradientNorm.map { GradientClipping.clip(&gradients, maxNorm: $0) }
            ?? GradientClipping.globalNorm(gradients)
        let rate = configuration.schedule.rate(atStep: step)
        optimizer.update(model: &model, gradients: gradients, learningRate: rate)
        step += 1
        return TrainStepResult(
            loss: Float(lossSum / Double(totalTokens)), gradientNorm: norm, learningRate: rate,
            tokenCount: totalTokens)
    }

    /// Mean token NLL of a batch in evaluation mode (no dropout, no update).
    public func evaluationLoss(_ batch: TokenBatch) throws -> Float {
        var rng: SeededGenerator? = nil
        return try model.lossAndGradients(batch, dropout: &rng).meanLoss
    }
}
