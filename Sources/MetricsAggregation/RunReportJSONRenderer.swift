import Foundation

/// Renders reports as JSON for scripts: sorted keys, undefined figures as `null`.
public struct RunReportJSONRenderer: Sendable {
    public init() {}

    /// One report as an object, several as an array; ends with a newline.
    public func render(_ reports: [RunReport]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = reports.count == 1 ? try encoder.encode(reports[0]) : try encoder.encode(reports)
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
