import Foundation
import SVGChart

/// The study's two SVG plots, drawn with the project's `SVGChart` pieces (as the aggregator's
/// WER chart): one panel per domain, stacked.
public enum StudyPlots {
    private static let panelWidth = 640.0
    private static let panelHeight = 260.0
    private static let left = 72.0
    private static let right = 150.0
    private static let top = 56.0
    private static let panelGap = 96.0
    private static let families: [StudyStrategy.Family] = [.full, .lora, .dynamicRank, .mixedRank, .warmup]

    private static func f(_ value: Double) -> String { SVGChart.number(value) }

    private static func document(title: String, panels: Int, legend: [(String, String)]) -> (
        header: [String], height: Double
    ) {
        let height = top + Double(max(panels, 1)) * (panelHeight + panelGap) + 18 * Double(legend.count) + 24
        let width = left + panelWidth + right
        var svg = [
            #"<?xml version="1.0" encoding="UTF-8"?>"#,
            #"<svg xmlns="http://www.w3.org/2000/svg" width="\#(f(width))" height="\#(f(height))" "#
                + #"viewBox="0 0 \#(f(width)) \#(f(height))" font-family="sans-serif" font-size="12">"#,
            #"<rect width="100%" height="100%" fill="white"/>"#,
            #"<text x="\#(f(width / 2))" y="24" text-anchor="middle" font-size="15">\#(SVGChart.escape(title))</text>"#,
        ]
        let legendTop = height - 18 * Double(legend.count) - 12
        for (index, (colour, label)) in legend.enumerated() {
            let y = legendTop + 18 * Double(index)
            svg.append(#"<rect x="\#(f(left))" y="\#(f(y - 10))" width="12" height="12" fill="\#(colour)"/>"#)
            svg.append(#"<text x="\#(f(left + 18))" y="\#(f(y))">\#(SVGChart.escape(label))</text>"#)
        }
        return (svg, height)
    }

    /// Horizontal gridlines and labels of a percent y axis from `bottom` to `topValue`.
    private static func yAxis(
        _ svg: inout [String], panelTop: Double, bottom: Double, topValue: Double, step: Double, title: String
    ) -> (Double) -> Double {
        let y = { (value: Double) in
            panelTop + panelHeight - (value - bottom) / (topValue - bottom) * panelHeight
        }
        var tick = bottom
        var guardCount = 0
        while tick <= topValue + step / 2, guardCount < 100 {
            svg.append(
                #"<line x1="\#(f(left))" y1="\#(f(y(tick)))" x2="\#(f(left + panelWidth))" y2="\#(f(y(tick)))" stroke="gainsboro"/>"#
            )
            svg.append(
                #"<text x="\#(f(left - 6))" y="\#(f(y(tick) + 4))" text-anchor="end">\#(SVGChart.percent(tick, step: step))</text>"#
            )
            tick += step
            guardCount += 1
        }
        svg.append(
            #"<line x1="\#(f(left))" y1="\#(f(panelTop))" x2="\#(f(left))" y2="\#(f(panelTop + panelHeight))" stroke="black"/>"#
        )
        let middle = panelTop + panelHeight / 2
        svg.append(
            #"<text x="18" y="\#(f(middle))" text-anchor="middle" transform="rotate(-90 18 \#(f(middle)))">\#(SVGChart.escape(title))</text>"#
        )
        return y
    }

    private static func colour(_ family: StudyStrategy.Family) -> String {
        SVGChart.palette[(families.firstIndex(of: family) ?? 0) % SVGChart.palette.count]
    }

    /// Test WER of every cell against its trainable parameters (log scale), with the first pass,
    /// base model and trigram as horizontal reference lines.
    public static func werAgainstParameters(_ results: StudyResults) -> String {
        let legend = families.map { (colour($0), "\($0.rawValue)") }
        var (svg, _) = document(
            title: "Test WER against trainable parameters", panels: results.domains.count, legend: legend)
        for (index, domain) in results.domains.enumerated() {
            let panelTop = top + Double(index) * (panelHeight + panelGap)
            let references: [(String, Double?)] = [
                ("first pass", domain.baselines.base.test.firstPassWER.estimate),
                ("base model", domain.baselines.base.test.secondPassWER.estimate),
                ("trigram", domain.baselines.trigram.test.secondPassWER.estimate),
            ]
            let points = domain.cells.compactMap { cell in
                cell.figures.test.secondPassWER.estimate.map { (cell, $0) }
            }
            let maximum = (points.map(\.1) + references.compactMap(\.1)).max() ?? 0
            let (topValue, step) = SVGChart.axis(max: maximum * 1.05)
            let y = yAxis(
                &svg, panelTop: panelTop, bottom: 0, topValue: topValue, step: step, title: "Test WER (%)")
            let logs = points.map { log10(Double(max($0.0.trainableParameters, 1))) }
            let low = (logs.min() ?? 3).rounded(.down)
            let high = max((logs.max() ?? 7).rounded(.up), low + 1)
            let x = { (value: Double) in left + (value - low) / (high - low) * panelWidth }
            let baseline = panelTop + panelHeight
            svg.append(
                #"<line x1="\#(f(left))" y1="\#(f(baseline))" x2="\#(f(left + panelWidth))" y2="\#(f(baseline))" stroke="black"/>"#
            )
            var decade = low
            while decade <= high {
                svg.append(
                    #"<text x="\#(f(x(decade)))" y="\#(f(baseline + 18))" text-anchor="middle">10^\#(Int(decade))</text>"#
                )
                decade += 1
            }
            svg.append(
                #"<text x="\#(f(left + panelWidth / 2))" y="\#(f(baseline + 40))" text-anchor="middle">"#
                    + "Trainable parameters — \(SVGChart.escape(domain.domain.name)) (\(SVGChart.escape(domain.domain.label)))</text>"
            )
            for (name, value) in references {
                guard let value else { continue }
                svg.append(
                    #"<line x1="\#(f(left))" y1="\#(f(y(value)))" x2="\#(f(left + panelWidth))" y2="\#(f(y(value)))" "#
                        + #"stroke="dimgray" stroke-dasharray="6 4"/>"#)
                svg.append(
                    #"<text x="\#(f(left + panelWidth + 6))" y="\#(f(y(value) + 4))">\#(name) \#(String(format: "%.2f%%", value * 100))</text>"#
                )
            }
            for ((cell, wer), position) in zip(points, logs) {
                svg.append(
                    #"<circle cx="\#(f(x(position)))" cy="\#(f(y(wer)))" r="5" fill="\#(colour(cell.cell.strategy.family))" "#
                        + #"fill-opacity="0.8"><title>\#(SVGChart.escape(cell.cell.id)): "#
                        + String(format: "%.2f%%", wer * 100)
                        + ", \(cell.trainableParameters) parameters</title></circle>")
            }
        }
        svg.append("</svg>")
        return svg.joined(separator: "\n") + "\n"
    }

    /// D1, D1-twin and NPRR (each p) of each strategy's best cell on dev, with 95% intervals.
    public static func robustnessByStrategy(_ results: StudyResults) -> String {
        let figures = ["D1", "D1-twin"] + results.settings.nBestRates.map { "NPRR p=\($0)" }
        let legend = figures.enumerated().map {
            (SVGChart.palette[$0.offset % SVGChart.palette.count], $0.element)
        }
        var (svg, _) = document(
            title: "Robustness by strategy: relative WER degradation under perturbation",
            panels: results.domains.count,
            legend: legend)
        for (index, domain) in results.domains.enumerated() {
            let panelTop = top + Double(index) * (panelHeight + panelGap)
            let cells = domain.bestPerStrategy
            let values: [[(Double?, Double?, Double?)]] = cells.map { cell in
                let nprr = cell.figures.robustness.filter { $0.comparison.figureName == "NPRR" }
                let chosen =
                    [cell.figures.robustness("D1"), cell.figures.robustness("D1-twin")]
                    + nprr.map { Optional($0) }
                return chosen.map {
                    (
                        $0?.relativeDegradation.estimate, $0?.relativeDegradation.lower,
                        $0?.relativeDegradation.upper
                    )
                }
            }
            let all = values.flatMap { $0.flatMap { [$0.0, $0.1, $0.2] } }.compactMap { $0 }
            let (bottom, topValue, step) = SVGChart.axis(min: all.min() ?? 0, max: all.max() ?? 0.1)
            let y = yAxis(
                &svg, panelTop: panelTop, bottom: bottom, topValue: topValue, step: step,
                title: "Relative degradation (%)")
            svg.append(
                #"<line x1="\#(f(left))" y1="\#(f(y(0)))" x2="\#(f(left + panelWidth))" y2="\#(f(y(0)))" stroke="black"/>"#
            )
            let groupWidth = panelWidth / Double(max(cells.count, 1))
            let barWidth = min(14, (groupWidth - 12) / Double(max(figures.count, 1)))
            for (group, cell) in cells.enumerated() {
                let groupLeft =
                    left + Double(group) * groupWidth + (groupWidth - barWidth * Double(figures.count)) / 2
                for (bar, (estimate, lower, upper)) in values[group].enumerated() {
                    guard let estimate else { continue }
                    let x = groupLeft + Double(bar) * barWidth
                    let colour = SVGChart.palette[bar % SVGChart.palette.count]
                    svg.append(
                        #"<rect x="\#(f(x))" y="\#(f(min(y(estimate), y(0))))" width="\#(f(barWidth - 2))" "#
                            + #"height="\#(f(abs(y(estimate) - y(0))))" fill="\#(colour)"><title>"#
                            + SVGChart.escape("\(cell.cell.id) \(figures[min(bar, figures.count - 1)]): ")
                            + String(format: "%+.1f%%", estimate * 100) + "</title></rect>")
                    if let lower, let upper {
                        let centre = x + (barWidth - 2) / 2
                        svg.append(
                            #"<line x1="\#(f(centre))" y1="\#(f(y(lower)))" x2="\#(f(centre))" y2="\#(f(y(upper)))" stroke="black"/>"#
                        )
                    }
                }
                svg.append(
                    #"<text x="\#(f(left + (Double(group) + 0.5) * groupWidth))" y="\#(f(panelTop + panelHeight + 18))" "#
                        + #"text-anchor="middle">\#(SVGChart.escape(cell.cell.strategy.rawValue))</text>"#)
            }
            svg.append(
                #"<text x="\#(f(left + panelWidth / 2))" y="\#(f(panelTop + panelHeight + 40))" text-anchor="middle">"#
                    + "Strategy (best cell on dev) — \(SVGChart.escape(domain.domain.name)) (\(SVGChart.escape(domain.domain.label)))</text>"
            )
        }
        svg.append("</svg>")
        return svg.joined(separator: "\n") + "\n"
    }
}
