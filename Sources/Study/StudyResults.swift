/// One domain's figures: its baselines and every finished cell.
public struct DomainResults: Sendable, Hashable, Codable {
    public var baselines: BaselineFigures
    public var cells: [CellResult]

    public init(baselines: BaselineFigures, cells: [CellResult]) {
        self.baselines = baselines
        self.cells = cells
    }

    public var domain: StudyDomain { baselines.domain }

    /// The best cell (on dev) of each strategy, in grid order.
    public var bestPerStrategy: [CellResult] {
        StudyStrategy.allCases.compactMap { strategy in
            let entries = cells.filter { $0.cell.strategy == strategy }
            return StudyAnswer.bestOnDev(entries.map(StudyAnswer.Entry.init)).flatMap { best in
                entries.first { $0.cell == best.cell }
            }
        }
    }
}

/// Every figure of a study: what `study.json` holds and the report is made from.
public struct StudyResults: Sendable, Hashable, Codable {
    public var format = 1
    public var command: String
    public var settings: StudySettings
    public var domains: [DomainResults]
    /// The answers, computed from the figures above (never written by hand).
    public var answers: [StudyAnswer]

    public init(command: String, settings: StudySettings, domains: [DomainResults]) {
        self.command = command
        self.settings = settings
        self.domains = domains
        answers = domains.map(StudyAnswer.init)
    }
}
