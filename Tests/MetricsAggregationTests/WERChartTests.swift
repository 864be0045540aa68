import Evaluation
import Foundation
import MetricsAggregation
import Testing

#if canImport(FoundationXML)
    import FoundationXML
#endif

@Suite("WER chart")
struct WERChartTests {
    /// Collects what the checks need while `XMLParser` walks the document.
    private final class Collector: NSObject, XMLParserDelegate {
        var root: String?
        var rects: [[String: String]] = []
        var texts: [String] = []
        private var text: String?

        func parser(
            _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
            attributes: [String: String] = [:]
        ) {
            if root == nil { root = name }
            if name == "rect" { rects.append(attributes) }
            if name == "text" { text = "" }
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            text? += string
        }

        func parser(
            _ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?
        ) {
            if name == "text", let text {
                texts.append(text)
                self.text = nil
            }
        }
    }

    private func parse(_ svg: String) throws -> Collector {
        let parser = XMLParser(data: Data(svg.utf8))
        let collector = Collector()
        parser.delegate = collector
        let parsed = parser.parse()
        #expect(parsed, "not well-formed: \(String(describing: parser.parserError))")
        try #require(parsed)
        return collector
    }

    @Test("the chart is well-formed SVG with labelled axes and a bar per run, condition and pass")
    func wellFormedWithAxes() throws {
        let builder = RunReportBuilder(figures: ReportBuilder(bootstrap: BootstrapSettings(resamples: 50)))
        let reports = try ["base", "lora <r8> & co"].map { run in
            try builder.report(try OutcomeSet(Fixtures.study(run: run)), run: run)
        }
        let chart = try parse(try ReportFormat.svg.render(reports))
        #expect(chart.root == "svg")
        #expect(chart.texts.contains("Word error rate (%)"))
        #expect(chart.texts.contains("Condition"))
        #expect(chart.texts.contains("clean"))
        #expect(chart.texts.contains { $0.hasPrefix("lora <r8> & co:") })
        // 2 runs × 3 conditions × 2 passes bars, plus the background and 2 × 2 legend swatches.
        let bars = chart.rects.filter { $0["width"] != "12" && $0["width"] != "100%" }
        #expect(bars.count == 12)
        #expect(bars.allSatisfy { Double($0["height"] ?? "") ?? -1 >= 0 })
    }

    @Test(
        "the y axis reaches above the largest WER with round ticks", arguments: [0.0, 0.034, 0.2, 0.87, 1.6])
    func axisCoversMaximum(maximum: Double) {
        let (top, step) = WERChartAxis.axis(maximum)
        #expect(top >= maximum)
        #expect(top / step <= 10.5)
        #expect(top > 0)
    }
}

/// Reaches the axis rule through a one-run report, since the rule itself is internal.
enum WERChartAxis {
    static func axis(_ maximum: Double) -> (Double, Double) {
        let report = RunReport(
            run: "r", cleanCondition: "clean", records: 1, generatedAtUnixMilliseconds: 0,
            conditions: [
                ConditionSummary(
                    condition: "clean", utterances: 1, referenceWords: 1,
                    firstPass: PassSummary(
                        substitutions: 0, deletions: 0, insertions: 0, wordErrorRate: maximum,
                        sentenceErrorRate: 0),
                    secondPass: PassSummary(
                        substitutions: 0, deletions: 0, insertions: 0, wordErrorRate: maximum / 2,
                        sentenceErrorRate: 0),
                    werr: Estimate(value: nil), oracleWER: nil)
            ], robustness: [])
        let svg = WERChartRenderer().render([report])
        // Tick labels are the texts ending in "%" that are pure numbers.
        let ticks = svg.split(separator: "\n").compactMap { line -> Double? in
            guard line.contains(#"text-anchor="end""#), let open = line.firstIndex(of: ">"),
                let close = line.range(of: "%</text>")
            else { return nil }
            return Double(line[line.index(after: open)..<close.lowerBound]).map { $0 / 100 }
        }
        let top = ticks.max() ?? 0
        let step = ticks.count > 1 ? ticks[1] - ticks[0] : top
        return (top, step)
    }
}
