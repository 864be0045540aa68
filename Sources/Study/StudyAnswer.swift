public import Evaluation
import Foundation

/// The issue's question and goals answered for one domain, from the figures alone.
///
/// Each contender is the strategy family's best cell on dev (over objectives and, for vanilla
/// LoRA, ranks), so no choice looks at test. The verdicts compare point estimates; whether the
/// 95% intervals are disjoint is reported beside them, because the per-system intervals are not
/// a paired test of the difference.
public struct StudyAnswer: Sendable, Hashable, Codable {
    public enum Verdict: String, Sendable, Hashable, Codable {
        case yes, no
        /// A contender or a figure is missing (cell not run, or undefined).
        case undetermined
    }

    /// One family's representative and its robustness figures.
    public struct Contender: Sendable, Hashable, Codable {
        public var cell: String
        public var d1: ConfidenceInterval?
        /// NPRR at each p of the sweep, and their mean.
        public var nprr: [ConfidenceInterval]
        public var meanNPRR: Double?
    }

    public var domain: String
    public var dynamicRank: Contender?
    public var vanillaLoRA: Contender?
    public var full: Contender?
    /// Does dynamic rank allocation degrade more under 1-best perturbation (higher D1) than both
    /// vanilla LoRA and full fine-tuning?
    public var degradesMoreUnderOneBest: Verdict
    public var oneBestIntervalsDisjoint: Bool
    /// Does it degrade less under N-best perturbation (lower mean NPRR) than both?
    public var degradesLessUnderNBest: Verdict
    public var nBestIntervalsDisjoint: Bool

    /// The best cell on dev and its test WERR against the first pass and the trigram.
    public var bestCell: String?
    public var bestWERRVersusFirstPass: ConfidenceInterval?
    public var bestWERRVersusTrigram: ConfidenceInterval?
    /// Goal: WERR vs first pass ≥ 18%.
    public var meetsWERRGoal: Verdict
    /// Goal: beats the trigram with a WERR interval above zero.
    public var beatsTrigram: Verdict
    /// The best non-full cell on dev against the best full fine-tune on dev.
    public var bestAdapterCell: String?
    /// (WER_adapter − WER_full) / WER_full on test; ≤ 0.02 meets the goal.
    public var adapterGapToFull: Double?
    /// Trainable parameters of the adapter over those of full fine-tuning; < 0.05 meets the goal.
    public var adapterParameterShare: Double?
    public var meetsAdapterGoal: Verdict

    public static let werrGoal = 0.18
    public static let adapterGapGoal = 0.02
    public static let adapterShareGoal = 0.05

    /// What the answers read of a cell; made from a `CellResult`, or by hand in tests.
    public struct Entry: Sendable, Hashable {
        public var cell: StudyCell
        public var trainableParameters: Int
        public var devWER: Double?
        public var testWER: Double?
        public var werrVersusFirstPass: ConfidenceInterval?
        public var werrVersusTrigram: ConfidenceInterval?
        public var d1: ConfidenceInterval?
        /// NPRR at each p of the sweep, in sweep order.
        public var nprr: [ConfidenceInterval]

        public init(
            cell: StudyCell, trainableParameters: Int, devWER: Double?, testWER: Double?,
            werrVersusFirstPass: ConfidenceInterval?, werrVersusTrigram: ConfidenceInterval?,
            d1: ConfidenceInterval?,
            nprr: [ConfidenceInterval]
        ) {
            self.cell = cell
            self.trainableParameters = trainableParameters
            self.devWER = devWER
            self.testWER = testWER
            self.werrVersusFirstPass = werrVersusFirstPass
            self.werrVersusTrigram = werrVersusTrigram
            self.d1 = d1
            self.nprr = nprr
        }

        public init(_ result: CellResult) {
            self.init(
                cell: result.cell, trainableParameters: result.trainableParameters,
                devWER: result.figures.devWER,
                testWER: result.figures.test.secondPassWER.estimate,
                werrVersusFirstPass: result.figures.test.rescoringWERR,
                werrVersusTrigram: result.figures.versusTrigram?.werr,
                d1: result.figures.robustness("D1")?.relativeDegradation,
                nprr: result.figures.robustness.filter { $0.comparison.figureName == "NPRR" }.map(
                    \.relativeDegradation))
        }
    }

    /// The entry with the lowest dev WER (ties: fewer parameters, then grid order).
    static func bestOnDev(_ entries: [Entry]) -> Entry? {
        entries.min { a, b in
            let x = a.devWER ?? .infinity
            let y = b.devWER ?? .infinity
            if x != y { return x < y }
            if a.trainableParameters != b.trainableParameters {
                return a.trainableParameters < b.trainableParameters
            }
            return a.cell < b.cell
        }
    }

    public init(_ results: DomainResults) {
        self.init(domain: results.domain.name, entries: results.cells.map(Entry.init))
    }

    public init(domain: String, entries: [Entry]) {
        self.domain = domain
        func contender(_ families: Set<StudyStrategy.Family>) -> Contender? {
            guard let best = Self.bestOnDev(entries.filter { families.contains($0.cell.strategy.family) })
            else {
                return nil
            }
            let values = best.nprr.compactMap(\.estimate)
            return Contender(
                cell: best.cell.id, d1: best.d1, nprr: best.nprr,
                meanNPRR: values.isEmpty || values.count != best.nprr.count
                    ? nil : values.reduce(0, +) / Double(values.count))
        }
        dynamicRank = contender([.dynamicRank])
        vanillaLoRA = contender([.lora])
        full = contender([.full])
        let others = [vanillaLoRA, full]

        if let d1 = dynamicRank?.d1?.estimate, let rivals = Self.all(others.map { $0?.d1?.estimate }) {
            degradesMoreUnderOneBest = rivals.allSatisfy { d1 > $0 } ? .yes : .no
        } else {
            degradesMoreUnderOneBest = .undetermined
        }
        oneBestIntervalsDisjoint = Self.disjoint(dynamicRank?.d1, others.map { $0?.d1 })
        if let mean = dynamicRank?.meanNPRR, let rivals = Self.all(others.map { $0?.meanNPRR }) {
            degradesLessUnderNBest = rivals.allSatisfy { mean < $0 } ? .yes : .no
        } else {
            degradesLessUnderNBest = .undetermined
        }
        let sweep = dynamicRank?.nprr ?? []
        nBestIntervalsDisjoint =
            !sweep.isEmpty
            && sweep.indices.allSatisfy { index in
                Self.disjoint(
                    sweep[index], others.map { $0.flatMap { index < $0.nprr.count ? $0.nprr[index] : nil } })
            }

        let best = Self.bestOnDev(entries)
        bestCell = best?.cell.id
        bestWERRVersusFirstPass = best?.werrVersusFirstPass
        bestWERRVersusTrigram = best?.werrVersusTrigram
        meetsWERRGoal = Self.verdict(bestWERRVersusFirstPass?.estimate.map { $0 >= Self.werrGoal })
        beatsTrigram = Self.verdict(bestWERRVersusTrigram?.lower.map { $0 > 0 })

        let adapter = Self.bestOnDev(entries.filter { $0.cell.strategy != .full })
        let fullCell = Self.bestOnDev(entries.filter { $0.cell.strategy == .full })
        bestAdapterCell = adapter?.cell.id
        if let adapter, let fullCell, let a = adapter.testWER, let f = fullCell.testWER, f > 0,
            fullCell.trainableParameters > 0
        {
            adapterGapToFull = (a - f) / f
            adapterParameterShare = Double(adapter.trainableParameters) / Double(fullCell.trainableParameters)
            meetsAdapterGoal =
                adapterGapToFull! <= Self.adapterGapGoal && adapterParameterShare! < Self.adapterShareGoal
                ? .yes : .no
        } else {
            meetsAdapterGoal = .undetermined
        }
    }

    private static func all(_ values: [Double?]) -> [Double]? {
        let present = values.compactMap { $0 }
        return present.count == values.count ? present : nil
    }

    private static func verdict(_ value: Bool?) -> Verdict { value.map { $0 ? .yes : .no } ?? .undetermined }

    /// Whether `interval` lies entirely above or entirely below every one of `others`.
    private static func disjoint(_ interval: ConfidenceInterval?, _ others: [ConfidenceInterval?]) -> Bool {
        guard let lower = interval?.lower, let upper = interval?.upper else { return false }
        return others.allSatisfy { other in
            guard let otherLower = other?.lower, let otherUpper = other?.upper else { return false }
            return lower > otherUpper || upper < otherLower
        }
    }

    /// The answer in plain sentences, every number taken from the figures.
    public var sentences: [String] {
        func name(_ contender: Contender?) -> String { contender?.cell ?? "not run" }
        func pct(_ value: Double?) -> String { value.map { String(format: "%+.1f%%", $0 * 100) } ?? "n/a" }
        func ci(_ interval: ConfidenceInterval?) -> String {
            guard let interval else { return "n/a" }
            return pct(interval.estimate) + " [" + pct(interval.lower) + ", " + pct(interval.upper) + "]"
        }
        var lines: [String] = []
        switch degradesMoreUnderOneBest {
        case .undetermined:
            lines.append(
                "1-best perturbation: undetermined — dynamic rank (\(name(dynamicRank))), vanilla LoRA "
                    + "(\(name(vanillaLoRA))) and full fine-tuning (\(name(full))) all need a finished cell with a defined D1."
            )
        case .yes, .no:
            lines.append(
                "1-best perturbation: dynamic rank allocation \(degradesMoreUnderOneBest == .yes ? "degrades more" : "does not degrade more")"
                    + " than both vanilla LoRA and full fine-tuning — D1 \(ci(dynamicRank?.d1)) for \(name(dynamicRank)),"
                    + " \(ci(vanillaLoRA?.d1)) for \(name(vanillaLoRA)), \(ci(full?.d1)) for \(name(full))"
                    + (oneBestIntervalsDisjoint
                        ? " (the intervals are disjoint)." : " (the intervals overlap)."))
        }
        switch degradesLessUnderNBest {
        case .undetermined:
            lines.append("N-best perturbation: undetermined — a contender lacks NPRR at some p of the sweep.")
        case .yes, .no:
            lines.append(
                "N-best perturbation: dynamic rank allocation \(degradesLessUnderNBest == .yes ? "degrades less" : "does not degrade less")"
                    + " than both — mean NPRR over the sweep \(pct(dynamicRank?.meanNPRR)) for \(name(dynamicRank)),"
                    + " \(pct(vanillaLoRA?.meanNPRR)) for \(name(vanillaLoRA)), \(pct(full?.meanNPRR)) for \(name(full))"
                    + (nBestIntervalsDisjoint
                        ? " (disjoint intervals at every p)." : " (the intervals overlap at some p)."))
        }
        let reproduced: String =
            switch (degradesMoreUnderOneBest, degradesLessUnderNBest) {
            case (.yes, .yes): "The original finding is reproduced here."
            case (.undetermined, _), (_, .undetermined):
                "Whether the original finding holds here is undetermined."
            case (.no, .no): "The original finding is not reproduced here."
            default: "The original finding is reproduced only in part here."
            }
        lines.append(reproduced)
        lines.append(
            "Best system on dev: \(bestCell ?? "none"); test WERR vs the first pass \(ci(bestWERRVersusFirstPass))"
                + " (goal ≥ \(Int(Self.werrGoal * 100))%: \(Self.goal(meetsWERRGoal))), vs the trigram \(ci(bestWERRVersusTrigram))"
                + " (goal: interval above zero: \(Self.goal(beatsTrigram))).")
        lines.append(
            "Best adapter on dev: \(bestAdapterCell ?? "none"); test WER \(pct(adapterGapToFull)) relative to full fine-tuning"
                + " with \(adapterParameterShare.map { String(format: "%.2f%%", $0 * 100) } ?? "n/a") of its trainable parameters"
                + " (goal: within 2% with under 5%: \(Self.goal(meetsAdapterGoal))).")
        return lines
    }

    private static func goal(_ verdict: Verdict) -> String {
        switch verdict {
        case .yes: "met"
        case .no: "not met"
        case .undetermined: "undetermined"
        }
    }
}
