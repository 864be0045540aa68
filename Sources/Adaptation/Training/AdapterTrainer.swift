import Foundation
public import NeuralLM

/// Optimisation settings shared by every strategy.
public struct OptimizationSettings: Sendable, Codable, Equatable {
    public var schedule: LearningRateSchedule
    public var optimizer: AdamW.Hyperparameters
    /// Global gradient-norm clip; `nil` disables clipping.
    public var maxGradientNorm: Float?
    /// Seed of sampling (DyLoRA ranks) and dropout.
    public var seed: UInt64

    public init(
        schedule: LearningRateSchedule, optimizer: AdamW.Hyperparameters = .init(weightDecay: 0),
        maxGradientNorm: Float? = 1, seed: UInt64 = 0
    ) {
        self.schedule = schedule
        self.optimizer = optimizer
        self.maxGradientNorm = maxGradientNorm
        self.seed = seed
    }
}

/// What one optimizer step did.
public struct StepReport: Sendable, Codable {
    public var step: Int
    public var loss: Double
    public var components: [String: Double]
    public var learningRate: Float
    public var gradientNorm: Float
    public var tokenCount: Int
    public var seconds: Double
    /// DyLoRA: the rank sampled for this step.
    public var sampledRank: Int?
    /// AdaLoRA: the total-rank budget after this step.
    public var budget: Int?
    /// Set on the step where warm-up reduced the rank.
    public var rankReduced: Bool
}

/// Trains a model under one strategy: attaches adapters, runs optimizer steps, applies the
/// strategy's per-step rules (rank sampling, importance-driven pruning, rank reduction).
///
/// The objective is supplied per step as a closure from the model to loss and gradients, so the
/// same trainer runs causal-LM, MWER and mixed objectives.
public struct AdapterTrainer: Sendable {
    public var model: GPT2Model
    public var optimizer: AdamW
    public let settings: StrategySettings
    public let optimization: OptimizationSettings
    public var generator: SeededGenerator
    public internal(set) var step = 0
    public internal(set) var allocator: AdaLoRARankAllocator?
    /// AdaLoRA: the latest rank pattern by module name.
    public internal(set) var rankPattern: [String: [Bool]] = [:]

    /// Prepares `base` for the strategy (freezes it and attaches adapters unless `full`).
    public init(base: GPT2Model, settings: StrategySettings, optimization: OptimizationSettings) throws {
        try settings.validate()
        var model = base
        model.detachAdapters()
        var seeds = SeededGenerator(seed: optimization.seed)
        let adapterSeed = seeds.next()
        switch settings.strategy {
        case .full:
            model.setBaseRequiresGrad(true)
        case .lora, .dylora:
            try model.attachLoRA(settings.lora, seed: adapterSeed)
        case .warmup(let warmup):
            var high = settings.lora
            high.rank = warmup.rank
            try model.attachLoRA(high, seed: adapterSeed)
        case .adalora:
            try model.attachAdaLoRA(settings.lora, seed: adapterSeed)
        }
        self.model = model
        self.settings = settings
        self.optimization = optimization
        self.optimizer = AdamW(hyperparameters: optimization.optimizer)
        self.generator = seeds
        if case .adalora(let adaLoRA) = settings.strategy {
            allocator = AdaLoRARankAllocator(
                settings: adaLoRA, initialBudget: AdaLoRARankAllocator.initialBudget(of: model))
        }
    }

    /// Parameters the optimizer updates.
    public var trainableParameterCount: Int { model.trainableParameterCount }

    /// Bytes of trainable parameters, their gradients and AdamW's two moments (Float32).
    public var trainingStateBytes: Int { 4 * 4 * trainableParameterCount }

    /// One optimizer step on the objective.
    @discardableResult
    public mutating func trainStep(
        _ objective: (_ model: GPT2Model, _ dropout: inout SeededGenerator?) throws -> ObjectiveResult
    ) throws -> StepReport {
        let start = Date()
        var sampledRank: Int? = nil
        if settings.strategy == .dylora {
            let rank = Int.random(in: 1...settings.lora.rank, using: &generator)
            setActiveRank(rank)
            sampledRank = rank
        }
        model.setAdapterDropoutSeed(generator.next())
        var dropout: SeededGenerator? =
            model.config.residPdrop > 0 ? SeededGenerator(seed: generator.next()) : nil
        var result = try objective(model, &dropout)
        model.setAdapterDropoutSeed(nil)
        if case .adalora(let adaLoRA) = settings.strategy, adaLoRA.orthogonalityWeight > 0 {
            let regulariser = OrthogonalityRegularizer.lossAndGradients(
                model: model, weight: adaLoRA.orthogonalityWeight)
            result.accumulate(
                ObjectiveResult(
                    loss: Double(regulariser.loss), gradients: regulariser.gradients, tokenCount: 0))
            result.components["orthogonality", default: 0] += Double(regulariser.loss)
        }
        guard result.loss.isFinite else {
            throw NeuralLMError(.invalidData, "loss became \(result.loss) at step \(step)")
        }
        var gradients = result.gradients
        let importanceGradients = gradients
        let norm =
            optimization.maxGradientNorm.map { GradientClipping.clip(&gradients, maxNorm: $0) }
            ?? GradientClipping.globalNorm(gradients)
        let rate = optimization.schedule.rate(atStep: step)
        optimizer.update(model: &model, gradients: gradients, learningRate: rate)
        step += 1
        var budget: Int? = nil
        if var allocator {
            if let pattern = allocator.update(model: &model, gradients: importanceGradients, step: step) {
                rankPattern = pattern
            }
            budget = allocator.currentBudget
            self.allocator = allocator
        }
        var reduced = false
        if case .warmup(let warmup) = settings.strategy, step == warmup.steps {
            reduceRank(to: settings.lora.rank)
            reduced = true
        }
        if settings.strategy == .dylora { setActiveRank(nil) }
        return StepReport(
            step: step, loss: result.loss, components: result.components, learningRate: rate,
            gradientNorm: norm,
            tokenCount: result.tokenCount, seconds: Date().timeIntervalSince(start), sampledRank: sampledRank,
            budget: budget, rankReduced: reduced)
    }

    /// Truncates every LoRA adapter (DyLoRA's nested ordering) or restores full rank (`nil`).
    public mutating func setActiveRank(_ rank: Int?) {
        model.setActiveRank(rank)
    }

    /// Replaces every LoRA adapter by the best rank-`rank` approximation of its update, and
    /// drops the optimizer moments of the replaced factors (their shapes changed).
    public mutating func reduceRank(to rank: Int) {
        for site in model.adaptedSites {
            guard let lora = model.adapter(at: site) as? LoRAAdapter else { continue }
            model.setAdapter(LowRankApproximation.truncate(lora, to: rank), at: site)
            for local in ["lora_A.weight", "lora_B.weight"] {
                optimizer.firstMoments[site.name + "." + local] = nil
                optimizer.secondMoments[site.name + "." + local] = nil
            }
        }
    }

    /// Per-module kept ranks (AdaLoRA pattern or the adapters' ranks).
    public var rankSummary: [String: Int] {
        var result: [String: Int] = [:]
        for site in model.adaptedSites {
            switch model.adapter(at: site) {
            case let svd as SVDAdapter: result[site.name] = svd.activeRank
            case let lora as LoRAAdapter: result[site.name] = lora.effectiveRank
            default: break
            }
        }
        return result
    }
}

extension GPT2Model {
    /// Sets DyLoRA's truncation rank on every LoRA adapter (`nil` for full rank).
    public mutating func setActiveRank(_ rank: Int?) {
        for site in adaptedSites {
            guard var lora = adapter(at: site) as? LoRAAdapter else { continue }
            lora.activeRank = rank
            setAdapter(lora, at: site)
        }
    }
}
