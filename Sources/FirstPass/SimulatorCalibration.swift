/// Fits the simulator's parameters so its error profile matches a target profile.
///
/// Coordinate search with step halving over the parameters that shape the profile: target
/// WER (1-best WER), deletion/insertion/split-merge biases (error-kind shares), acoustic
/// scale κ (homophone versus near-homophone substitutions), noise scale σ (list diversity,
/// oracle WER, reference rank) and difficulty dispersion (share of error-free utterances,
/// spread of per-utterance WER). Every evaluation simulates the same references with the same
/// seed (common random numbers), so the loss is a deterministic function of the parameters and
/// the search is reproducible.
public struct SimulatorCalibration: Sendable {
    /// The result of a fit.
    public struct Result: Sendable {
        public var parameters: SimulatorParameters
        public var achieved: ErrorProfile
        public var target: ErrorProfile
        public var loss: Double
        public var evaluations: Int
    }

    /// A fitted dimension: how to read and write it, its first step and its valid range.
    struct Dimension: Sendable {
        var name: String
        var keyPath: WritableKeyPath<SimulatorParameters, Double> & Sendable
        var step: Double
        var range: ClosedRange<Double>
    }

    static let dimensions: [Dimension] = [
        Dimension(name: "targetWER", keyPath: \.fittedTargetWER, step: 0.05, range: 0...0.95),
        Dimension(name: "deletionBias", keyPath: \.deletionBias, step: 1, range: -10...10),
        Dimension(name: "insertionBias", keyPath: \.insertionBias, step: 1, range: -10...10),
        Dimension(name: "splitMergeBias", keyPath: \.splitMergeBias, step: 1, range: -10...10),
        Dimension(name: "acousticScale", keyPath: \.acousticScale, step: 1, range: 0...20),
        Dimension(name: "noiseScale", keyPath: \.noiseScale, step: 0.4, range: 0.1...5),
        Dimension(name: "difficultyDispersion", keyPath: \.difficultyDispersion, step: 0.5, range: 0...10),
    ]

    public let model: PhoneticConfusionModel
    /// Reference sentences simulated at every evaluation.
    public let references: [String]
    public let seed: UInt64

    public init(model: PhoneticConfusionModel, references: [String], seed: UInt64) throws(SimulationError) {
        let usable = references.filter { !$0.split(separator: " ").isEmpty }
        if usable.isEmpty {
            throw SimulationError(code: .invalidInput, message: "no non-empty reference to simulate")
        }
        self.model = model
        self.references = usable
        self.seed = seed
    }

    /// The profile of the simulator with `parameters` on the calibration references.
    public func profile(of parameters: SimulatorParameters) throws(SimulationError) -> ErrorProfile {
        let simulator = try NBestSimulator(model: model, parameters: parameters, seed: seed)
        let records = references.enumerated().map { index, reference in
            simulator.simulate(reference: reference, utteranceID: "calibration-\(index)")
        }
        return try ErrorProfile.measure(records, lexicon: model.lexicon)
    }

    /// Fits parameters to `target`, starting from `start`, within `maximumEvaluations`
    /// simulations of the reference set.
    public func fit(
        target: ErrorProfile, start: SimulatorParameters = .init(), maximumEvaluations: Int = 80
    ) throws(SimulationError) -> Result {
        var current = start
        current.targetWER = start.targetWER ?? target.oneBestWER
        current.listSize = max(1, Int(target.meanListSize.rounded(.up)))
        var currentProfile = try profile(of: current)
        var currentLoss = currentProfile.distance(to: target)
        var evaluations = 1
        var steps = Self.dimensions.map(\.step)
        search: while evaluations < maximumEvaluations {
            var improved = false
            for (index, dimension) in Self.dimensions.enumerated() {
                for direction in [1.0, -1.0] {
                    guard evaluations < maximumEvaluations else { break search }
                    var candidate = current
                    let value = current[keyPath: dimension.keyPath] + direction * steps[index]
                    guard dimension.range.contains(value) else { continue }
                    candidate[keyPath: dimension.keyPath] = value
                    let candidateProfile = try profile(of: candidate)
                    evaluations += 1
                    let loss = candidateProfile.distance(to: target)
                    if loss < currentLoss {
                        (current, currentProfile, currentLoss) = (candidate, candidateProfile, loss)
                        improved = true
                        break
                    }
                }
            }
            if !improved {
                steps = steps.map { $0 / 2 }
                if steps[0] < 0.002 { break }
            }
        }
        return Result(
            parameters: current, achieved: currentProfile, target: target, loss: currentLoss,
            evaluations: evaluations)
    }
}

extension SimulatorParameters {
    /// ``targetWER`` as a plain number for fitting (`nil` reads as 0).
    var fittedTargetWER: Double {
        get { targetWER ?? 0 }
        set { targetWER = newValue }
    }
}
