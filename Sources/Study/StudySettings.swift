public import Evaluation

/// Everything besides the inputs that decides a study's figures; recorded in the manifest, so a
/// folder is never continued with different settings.
public struct StudySettings: Sendable, Hashable, Codable {
    /// Optimiser steps per cell (CLM → MWER spends `clmShare` of them on CLM).
    public var steps: Int
    public var batchSize: Int
    public var learningRate: Float
    /// Share of a `clm-then-mwer` cell's steps spent on CLM.
    public var clmShare: Double
    /// Dev evaluation (and best-checkpoint) interval in steps.
    public var evaluateEvery: Int
    public var checkpointEvery: Int
    public var seed: UInt64
    /// Lists read from each dev and test file (0: all).
    public var listLimit: Int
    /// The per-word homophone replacement probability of the 1-best and twin perturbations.
    public var oneBestRate: Double
    /// The p values of the N-best perturbation sweep (NPRR).
    public var nBestRates: [Double]
    public var perturbationSeed: UInt64
    public var bootstrap: BootstrapSettings

    public init(
        steps: Int = 600, batchSize: Int = 16, learningRate: Float = 1e-3, clmShare: Double = 0.5,
        evaluateEvery: Int = 50, checkpointEvery: Int = 50, seed: UInt64 = 0, listLimit: Int = 0,
        oneBestRate: Double = 0.15, nBestRates: [Double] = [0.05, 0.1, 0.2, 0.3],
        perturbationSeed: UInt64 = 1,
        bootstrap: BootstrapSettings = .standard
    ) {
        self.steps = steps
        self.batchSize = batchSize
        self.learningRate = learningRate
        self.clmShare = clmShare
        self.evaluateEvery = evaluateEvery
        self.checkpointEvery = checkpointEvery
        self.seed = seed
        self.listLimit = listLimit
        self.oneBestRate = oneBestRate
        self.nBestRates = nBestRates
        self.perturbationSeed = perturbationSeed
        self.bootstrap = bootstrap
    }

    /// The `--quick` preset: a few steps on a few dozen lists, a smaller bootstrap and a two-point
    /// sweep, so the whole pipeline runs in minutes.
    public static let quick = StudySettings(
        steps: 8, batchSize: 4, learningRate: 1e-3, evaluateEvery: 4, checkpointEvery: 4, listLimit: 24,
        nBestRates: [0.1, 0.3], bootstrap: BootstrapSettings(resamples: 200))

    /// Checks the values a run depends on.
    public func validate() throws(StudyError) {
        // AdaLoRA needs a warm-up step, a pruning step and a final fixed step.
        guard steps >= 3 else { throw StudyError(.invalidInput, "--steps must be at least 3, got \(steps)") }
        guard batchSize >= 1 else { throw StudyError(.invalidInput, "the batch size must be at least 1") }
        guard (0...1).contains(oneBestRate), nBestRates.allSatisfy({ (0...1).contains($0) }) else {
            throw StudyError(.invalidInput, "perturbation rates must be in [0, 1]")
        }
        guard clmShare > 0, clmShare < 1 else {
            throw StudyError(.invalidInput, "the CLM share of clm-then-mwer must be in (0, 1)")
        }
    }
}
