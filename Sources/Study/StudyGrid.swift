public import Adaptation

/// One training strategy of the study grid, with the hyper-parameters every cell of it uses.
///
/// The grid compares strategies at fixed, documented settings (Docs/results.md#study) rather
/// than tuning each one, so a difference between rows is a difference between strategies.
public enum StudyStrategy: String, Sendable, Hashable, Codable, CaseIterable {
    case full
    case loraR4 = "lora-r4"
    case loraR8 = "lora-r8"
    case loraR16 = "lora-r16"
    case loraR32 = "lora-r32"
    case adalora
    case dylora
    case warmup

    /// The family the question is about: full fine-tuning, vanilla LoRA, dynamic rank, other.
    public enum Family: String, Sendable, Codable { case full, lora, dynamicRank, mixedRank, warmup }

    public var family: Family {
        switch self {
        case .full: .full
        case .loraR4, .loraR8, .loraR16, .loraR32: .lora
        case .adalora: .dynamicRank
        case .dylora: .mixedRank
        case .warmup: .warmup
        }
    }

    /// The adapter rank (r_max for DyLoRA, the initial rank for AdaLoRA, the final one for warm-up).
    var rank: Int {
        switch self {
        case .loraR4: 4
        case .loraR16: 16
        case .loraR32: 32
        case .adalora: 12
        case .dylora: 16
        default: 8
        }
    }

    /// The `Adaptation` settings of this strategy for a run of `steps` optimiser steps.
    ///
    /// LoRA-family adapters sit on the attention projections (as the shipped adapter), α = 2r.
    public func settings(steps: Int) -> StrategySettings {
        let lora = LoRAConfiguration(
            rank: rank, alpha: Float(2 * rank), dropout: 0.05,
            targetModules: [.attentionQKV, .attentionProjection])
        let strategy: StrategySettings.Strategy =
            switch self {
            case .full: .full
            case .loraR4, .loraR8, .loraR16, .loraR32: .lora
            case .adalora:
                .adalora(
                    AdaLoRASettings(
                        targetRank: 4, initialWarmupSteps: max(1, steps / 10),
                        finalFixedSteps: max(1, steps / 5), maskInterval: max(1, min(10, steps / 10)),
                        totalSteps: steps))
            case .dylora: .dylora
            case .warmup: .warmup(WarmupSettings(rank: 32, steps: max(1, steps / 5)))
            }
        return StrategySettings(strategy: strategy, lora: lora)
    }
}

/// One domain of the grid: its name, and whether its lists come from a real decoder.
public struct StudyDomain: Sendable, Hashable, Codable {
    public var name: String
    /// How the first-pass lists were made, printed beside every figure of the domain
    /// (e.g. "real: pocketsphinx on flite speech", "simulated, calibrated to …").
    public var label: String

    public init(name: String, label: String) {
        self.name = name
        self.label = label
    }
}

/// One cell: a strategy trained with an objective on a domain.
public struct StudyCell: Sendable, Hashable, Codable, Comparable {
    public var domain: String
    public var strategy: StudyStrategy
    public var objective: TrainingObjectiveKind

    public init(domain: String, strategy: StudyStrategy, objective: TrainingObjectiveKind) {
        self.domain = domain
        self.strategy = strategy
        self.objective = objective
    }

    /// `domain/strategy/objective`, the name `--cells` matches and the cell's file is named by.
    public var id: String { "\(domain)/\(strategy.rawValue)/\(objective.rawValue)" }

    /// A file-system name for the cell (`/` replaced).
    public var fileName: String { id.replacingOccurrences(of: "/", with: "--") }

    public static func < (lhs: StudyCell, rhs: StudyCell) -> Bool {
        func key(_ cell: StudyCell) -> (String, Int, Int) {
            (
                cell.domain, StudyStrategy.allCases.firstIndex(of: cell.strategy) ?? 0,
                TrainingObjectiveKind.allCases.firstIndex(of: cell.objective) ?? 0
            )
        }
        return key(lhs) < key(rhs)
    }
}

/// The cells of a study: every strategy × objective × domain, optionally filtered.
public struct StudyGrid: Sendable, Hashable {
    public var cells: [StudyCell]

    public init(
        domains: [String], strategies: [StudyStrategy] = StudyStrategy.allCases,
        objectives: [TrainingObjectiveKind] = TrainingObjectiveKind.allCases
    ) {
        cells = domains.flatMap { domain in
            strategies.flatMap { strategy in
                objectives.map { StudyCell(domain: domain, strategy: strategy, objective: $0) }
            }
        }
    }

    /// The cells whose id matches one of `patterns`: each pattern is a `domain/strategy/objective`
    /// triple whose parts may be `*` (or omitted at the end), e.g. `*/lora-r8`, `austen-real/*/mwer`.
    ///
    /// - Throws: `StudyError.invalidFilter` for a pattern that matches no cell, so a typo is an
    ///   error rather than an empty study.
    public func filtered(by patterns: [String]) throws(StudyError) -> StudyGrid {
        guard !patterns.isEmpty else { return self }
        var kept = Set<StudyCell>()
        for pattern in patterns {
            let parts = pattern.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            guard (1...3).contains(parts.count) else {
                throw StudyError(.invalidFilter, "--cells '\(pattern)' is not DOMAIN[/STRATEGY[/OBJECTIVE]]")
            }
            let matching = cells.filter { cell in
                let values = [cell.domain, cell.strategy.rawValue, cell.objective.rawValue]
                return zip(parts, values).allSatisfy { $0 == "*" || $0 == $1 }
            }
            guard !matching.isEmpty else {
                throw StudyError(
                    .invalidFilter,
                    "--cells '\(pattern)' matches no cell (domains \(Set(cells.map(\.domain)).sorted().joined(separator: ", ")); "
                        + "strategies \(StudyStrategy.allCases.map(\.rawValue).joined(separator: ", ")); "
                        + "objectives clm, mwer, clm-then-mwer)")
            }
            kept.formUnion(matching)
        }
        var copy = self
        copy.cells = cells.filter(kept.contains)
        return copy
    }
}
