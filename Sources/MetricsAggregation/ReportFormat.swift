/// The formats a report renders to (`metrics-aggregator report --format`, `--report-dir` files).
public enum ReportFormat: String, Sendable, CaseIterable {
    case json
    case markdown
    case svg

    /// The file extension of the format.
    public var fileExtension: String {
        switch self {
        case .json: "json"
        case .markdown: "md"
        case .svg: "svg"
        }
    }

    /// Renders `reports` (one per run; the JSON of one run is an object, of several an array).
    public func render(_ reports: [RunReport]) throws -> String {
        switch self {
        case .json: try RunReportJSONRenderer().render(reports)
        case .markdown: RunReportMarkdownRenderer().render(reports)
        case .svg: WERChartRenderer().render(reports)
        }
    }
}
