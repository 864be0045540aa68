import NeuralLM

/// Settings of AdaLoRA's rank allocation, with PEFT's `AdaLoraConfig` meanings.
public struct AdaLoRASettings: Sendable, Codable, Equatable {
    /// Average rank per module at the end (`target_r`); the budget is this times the module count.
    public var targetRank: Int
    /// Steps before pruning starts (`tinit`).
    public var initialWarmupSteps: Int
    /// Steps at the end with a fixed rank pattern (`tfinal`).
    public var finalFixedSteps: Int
    /// Masking interval during the cubic phase (`deltaT`).
    public var maskInterval: Int
    /// EMA coefficient of the sensitivity.
    public var beta1: Float
    /// EMA coefficient of the uncertainty.
    public var beta2: Float
    /// Weight of the orthogonality regulariser on P and Q (`orth_reg_weight`).
    public var orthogonalityWeight: Float
    /// Total optimizer steps of the run (`total_step`).
    public var totalSteps: Int

    public init(
        targetRank: Int, initialWarmupSteps: Int, finalFixedSteps: Int, maskInterval: Int = 10,
        beta1: Float = 0.85, beta2: Float = 0.85, orthogonalityWeight: Float = 0.5, totalSteps: Int
    ) {
        self.targetRank = targetRank
        self.initialWarmupSteps = initialWarmupSteps
        self.finalFixedSteps = finalFixedSteps
        self.maskInterval = maskInterval
        self.beta1 = beta1
        self.beta2 = beta2
        self.orthogonalityWeight = orthogonalityWeight
        self.totalSteps = totalSteps
    }

    /// Checks the schedule fits in the run.
    public func validate(initialRank: Int) throws {
        guard targetRank >= 0, targetRank <= initialRank else {
            throw NeuralLMError(
                .invalidConfiguration, "target rank \(targetRank) must be in 0…initial rank \(initialRank)")
        }
        guard initialWarmupSteps >= 0, finalFixedSteps >= 0,
            initialWarmupSteps + finalFixedSteps < totalSteps
        else {
            throw NeuralLMError(
                .invalidConfiguration,
                "warm-up \(initialWarmupSteps) + final \(finalFixedSteps) steps must be fewer than the \(totalSteps) total steps"
            )
        }
        guard maskInterval >= 1 else {
            throw NeuralLMError(.invalidConfiguration, "mask interval must be at least 1")
        }
        guard beta1 > 0, beta1 < 1, beta2 > 0, beta2 < 1 else {
            throw NeuralLMError(.invalidConfiguration, "beta1 and beta2 must be in (0, 1)")
        }
    }

    /// The total-rank budget at a step and whether to mask at that step (PEFT's cubic schedule).
    ///
    /// b(t) = b₀ for t ≤ t_i; b_T for t > T − t_f; otherwise
    /// b_T + (b₀ − b_T)·(1 − (t − t_i)/(T − t_f − t_i))³, masking every `maskInterval` steps.
    public func budget(atStep step: Int, initialBudget: Int, targetBudget: Int) -> (budget: Int, mask: Bool) {
        if step <= initialWarmupSteps { return (initialBudget, false) }
        if step > totalSteps - finalFixedSteps { return (targetBudget, true) }
        let span = Double(totalSteps - finalFixedSteps - initialWarmupSteps)
        let remaining = 1 - Double(step - initialWarmupSteps) / span
        let budget =
            Int(Double(initialBudget - targetBudget) * remaining * remaining * remaining) + targetBudget
        return (budget, step % maskInterval == 0)
    }
}
