public import Evaluation
public import FirstPass
public import Phonetics

/// The test lists of a domain under every condition the robustness figures compare: clean, the
/// homophone 1-best perturbation (D1), its twin variant (D1-twin) and the N-best perturbation at
/// each p of the sweep (NPRR).
///
/// Made once per domain with the `Phonetics` perturber (the code behind `secondpass perturb`)
/// and a fixed seed, so every system of the domain is measured on identical lists.
public struct TestConditions: Sendable {
    public struct Condition: Sendable {
        /// The outcome condition name, from which `PerturbationComparison` infers the family.
        public var name: String
        /// `nil` for the clean lists.
        public var comparison: PerturbationComparison?
        public var records: [NBestRecord]
    }

    public var conditions: [Condition]

    public static let clean = "clean"

    public init(clean records: [NBestRecord], homophones: HomophoneIndex, settings: StudySettings) {
        func perturbed(_ mode: HomophonePerturber.Mode, rate: Double) -> [NBestRecord] {
            let perturber = HomophonePerturber(
                homophones: homophones, rate: rate, seed: settings.perturbationSeed)
            return records.map {
                NBestRecord(reference: $0.reference, list: perturber.perturb($0.list, mode: mode).list)
            }
        }
        var conditions = [Condition(name: Self.clean, comparison: nil, records: records)]
        let oneBest = "homophone-1best:p=\(settings.oneBestRate)"
        conditions.append(
            Condition(
                name: oneBest,
                comparison: PerturbationComparison(kind: .homophoneOneBest, perturbedCondition: oneBest),
                records: perturbed(.oneBest, rate: settings.oneBestRate)))
        let twin = "homophone-twin:p=\(settings.oneBestRate)"
        conditions.append(
            Condition(
                name: twin,
                comparison: PerturbationComparison(kind: .homophoneTwin, perturbedCondition: twin),
                records: perturbed(.twin, rate: settings.oneBestRate)))
        for p in settings.nBestRates {
            let name = "nbest:p=\(p)"
            conditions.append(
                Condition(
                    name: name,
                    comparison: PerturbationComparison(
                        kind: .nBest(probability: p), perturbedCondition: name),
                    records: perturbed(.nBest, rate: p)))
        }
        self.conditions = conditions
    }

    public var comparisons: [PerturbationComparison] { conditions.compactMap(\.comparison) }
}
