/// Which perturbed condition is compared against which clean one, and how to name the figure.
public struct PerturbationComparison: Sendable, Hashable, Codable {
    /// The perturbation family, which names the relative figure.
    public enum Kind: Sendable, Hashable, Codable {
        /// Homophones substituted into the first-pass 1-best: figure D1.
        case homophoneOneBest
        /// The "twin" variant of the 1-best homophone perturbation: figure D1-twin.
        case homophoneTwin
        /// Words of every N-best hypothesis perturbed with probability p: figure NPRR.
        case nBest(probability: Double?)
        /// A perturbation not named by the condition: figure "relative" (same formula).
        case unspecified
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
        case .unspecified: "relative"
        }
    }

    /// A comparison whose family is read from the perturbed condition's name.
    ///
    /// For callers that only know condition names (the aggregator's records carry names such as
    /// "homophone-1best:p=0.15" or "nbest:p=0.1"): a name containing "twin" is `homophoneTwin`,
    /// one starting with "homophone" is `homophoneOneBest`, one starting with "nbest" or "n-best"
    /// is `nBest` with p read from "p=0.1" or "p0.1" when present, anything else `unspecified`.
    public init(inferringFrom perturbedCondition: String, cleanCondition: String = "clean") {
        let name = perturbedCondition.lowercased()
        let kind: Kind
        if name.contains("twin") {
            kind = .homophoneTwin
        } else if name.hasPrefix("homophone") {
            kind = .homophoneOneBest
        } else if name.hasPrefix("nbest") || name.hasPrefix("n-best") {
            kind = .nBest(probability: Self.probability(in: name))
        } else {
            kind = .unspecified
        }
        self.init(kind: kind, cleanCondition: cleanCondition, perturbedCondition: perturbedCondition)
    }

    /// The number after the last "p=" or "p" that is followed by a digit, if any.
    private static func probability(in name: String) -> Double? {
        let characters = Array(name)
        var index = characters.count - 1
        while index >= 0 {
            if characters[index] == "p" {
                var start = index + 1
                if start < characters.count, characters[start] == "=" { start += 1 }
                var end = start
                while end < characters.count, characters[end].isNumber || characters[end] == "." { end += 1 }
                if end > start, let value = Double(String(characters[start..<end])) { return value }
            }
            index -= 1
        }
        return nil
    }
}
