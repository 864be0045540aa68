/// Which perturbed condition is compared against which clean one, and how to name the figure.
public struct PerturbationComparison: Sendable, Hashable, Codable {
    /// The perturbation family, which names the relative figure.
    public enum Kind: Sendable, Hashable, Codable {
        /// Homophones substituted into the first-pass 1-best: figure D1.
        case homophoneOneBest
        /// The "twin" variant of the 1-best homophone perturbation: figure D1-twin.
        case homophoneTwin
        /// Words of every N-best hypothesis perturbed with probability p: figure NPRR.
        case nBest(probability: Double)
    }

    public var kind: Kind
    public var cleanCondition: String
    public var perturbedCondition: String

    public init(kind: Kind, cleanCondition: String = "clean", perturbedCondition: String) {
        self.kind = kind
        self.cleanCondition = cleanCondition
        self.perturbedCondition = perturbedCondition
    }

    /// The name of the relative degradation figure: D1, D1-twin or NPRR.
    public var figureName: String {
        switch kind {
        case .homophoneOneBest: "D1"
        case .homophoneTwin: "D1-twin"
        case .nBest: "NPRR"
        }
    }
}
