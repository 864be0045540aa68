import Foundation
import SVGChart

/// Draws WER by condition and run as an SVG grouped bar chart, first pass beside second pass.
///
/// Written by hand (no plotting library on a server): one group per condition, within it two
/// bars per run (first pass pale, second pass solid, one colour per run), a y axis in percent
/// with ticks at a round step, axis titles and a legend. A condition a run lacks, or an
/// undefined WER, gets no bar. Every text is XML-escaped, so run and condition names are safe.
public struct WERChartRenderer: Sendable {
    private static let palette = SVGChart.palette
    private static let title = "WER by condition and run: first pass vs second pass"
    private static let legendSuffix = ": first pass (pale), second pass (solid)"
    private static let characterWidth = SVGChart.characterWidth
    private let barWidth = 16.0
    private let groupGap = 28.0
    private let plotHeight = 260.0
    private let left = 72.0
    private let right = 24.0
    private let top = 48.0

    public init() {}

    public func render(_ reports: [RunReport]) -> String {
        let conditions = Self.conditionOrder(reports)
        let runs = reports.map(\.run)
        let barsPerGroup = Double(max(runs.count, 1) * 2)
        // Text widths are estimated (no font metrics here) so labels neither overlap nor clip.
        let longestCondition = Double(conditions.map(\.count).max() ?? 0)
        let groupWidth = max(barsPerGroup * barWidth + groupGap, longestCondition * Self.characterWidth + 16)
        let plotWidth = max(groupWidth * Double(max(conditions.count, 1)), 240)
        let legendRows = Double(runs.count)
        let bottom = 78.0 + 18.0 * legendRows
        let legendWidth =
            32 + Double(runs.map { $0.count + Self.legendSuffix.count }.max() ?? 0) * Self.characterWidth
        let width = max(
            left + plotWidth + right, left + legendWidth + right, Double(Self.title.count) * 8.5 + 40)
        let height = top + plotHeight + bottom
        let (yMax, step) = Self.axis(
            max: reports.flatMap {
                $0.conditions.flatMap { [$0.firstPass.wordErrorRate, $0.secondPass.wordErrorRate] }
            }
            .compactMap { $0 }.max() ?? 0)

        var svg: [String] = []
        svg.append(#"<?xml version="1.0" encoding="UTF-8"?>"#)
        svg.append(
            #"<svg xmlns="http://www.w3.org/2000/svg" width="\#(f(width))" height="\#(f(height))" "#
                + #"viewBox="0 0 \#(f(width)) \#(f(height))" font-family="sans-serif" font-size="12">"#)
        svg.append(#"<rect width="100%" height="100%" fill="white"/>"#)
        svg.append(
            #"<text x="\#(f(width / 2))" y="24" text-anchor="middle" font-size="15">"#
                + "\(Self.title)</text>")

        // Y axis: gridlines, ticks and labels at each step.
        let baseline = top + plotHeight
        let y = { (value: Double) in baseline - value / yMax * plotHeight }
        var tick = 0.0
        while tick <= yMax + step / 2 {
            let position = y(tick)
            svg.append(
                #"<line x1="\#(f(left))" y1="\#(f(position))" x2="\#(f(left + plotWidth))" y2="\#(f(position))" "#
                    + #"stroke="gainsboro"/>"#)
            svg.append(
                #"<text x="\#(f(left - 6))" y="\#(f(position + 4))" text-anchor="end">\#(Self.percent(tick, step: step))</text>"#
            )
            tick += step
        }
        svg.append(
            #"<line x1="\#(f(left))" y1="\#(f(top))" x2="\#(f(left))" y2="\#(f(baseline))" stroke="black"/>"#)
        svg.append(
            #"<line x1="\#(f(left))" y1="\#(f(baseline))" x2="\#(f(left + plotWidth))" y2="\#(f(baseline))" stroke="black"/>"#
        )
        svg.append(
            #"<text x="18" y="\#(f(top + plotHeight / 2))" text-anchor="middle" "#
                + #"transform="rotate(-90 18 \#(f(top + plotHeight / 2)))">Word error rate (%)</text>"#)
        svg.append(
            #"<text x="\#(f(left + plotWidth / 2))" y="\#(f(baseline + 42))" text-anchor="middle">Condition</text>"#
        )

        // Bars, one group per condition.
        for (groupIndex, condition) in conditions.enumerated() {
            let groupLeft =
                left + Double(groupIndex) * groupWidth + (groupWidth - barsPerGroup * barWidth) / 2
            for (runIndex, report) in reports.enumerated() {
                let summary = report.conditions.first { $0.condition == condition }
                let colour = Self.palette[runIndex % Self.palette.count]
                for (passIndex, pass) in ["first pass", "second pass"].enumerated() {
                    let wer =
                        passIndex == 0 ? summary?.firstPass.wordErrorRate : summary?.secondPass.wordErrorRate
                    guard let wer else { continue }
                    let x = groupLeft + Double(runIndex * 2 + passIndex) * barWidth
                    let opacity = passIndex == 0 ? "0.4" : "1"
                    svg.append(
                        #"<rect x="\#(f(x))" y="\#(f(y(wer)))" width="\#(f(barWidth - 2))" "#
                            + #"height="\#(f(baseline - y(wer)))" fill="\#(colour)" fill-opacity="\#(opacity)">"#
                            + "<title>\(Self.escape("\(report.run) · \(condition) · \(pass): "))"
                            + String(format: "%.2f%%", wer * 100) + "</title></rect>")
                }
            }
            svg.append(
                #"<text x="\#(f(groupLeft + barsPerGroup * barWidth / 2))" y="\#(f(baseline + 18))" "#
                    + #"text-anchor="middle">\#(Self.escape(condition))</text>"#)
        }

        // Legend: one row per run, pale and solid swatches.
        for (runIndex, run) in runs.enumerated() {
            let rowY = baseline + 62 + 18 * Double(runIndex)
            let colour = Self.palette[runIndex % Self.palette.count]
            svg.append(
                #"<rect x="\#(f(left))" y="\#(f(rowY - 10))" width="12" height="12" fill="\#(colour)" fill-opacity="0.4"/>"#
            )
            svg.append(
                #"<rect x="\#(f(left + 14))" y="\#(f(rowY - 10))" width="12" height="12" fill="\#(colour)"/>"#
            )
            svg.append(
                #"<text x="\#(f(left + 32))" y="\#(f(rowY))">\#(Self.escape(run))\#(Self.legendSuffix)</text>"#
            )
        }
        svg.append("</svg>")
        return svg.joined(separator: "\n") + "\n"
    }

    /// Conditions of every report, the clean one first, then by name.
    static func conditionOrder(_ reports: [RunReport]) -> [String] {
        let clean = Set(reports.map(\.cleanCondition))
        return Set(reports.flatMap { $0.conditions.map(\.condition) }).sorted {
            (clean.contains($0) ? 0 : 1, $0) < (clean.contains($1) ? 0 : 1, $1)
        }
    }

    /// The axis top and tick step (`SVGChart.axis`).
    static func axis(max: Double) -> (top: Double, step: Double) { SVGChart.axis(max: max) }

    private static func percent(_ value: Double, step: Double) -> String {
        SVGChart.percent(value, step: step)
    }

    private func f(_ value: Double) -> String { SVGChart.number(value) }

    static func escape(_ text: String) -> String { SVGChart.escape(text) }
}
