import Foundation

/// The pieces every hand-written SVG chart of the project shares: axis steps, number format,
/// XML escaping and the palette.
///
/// No plotting library runs on a server here, so charts are written as text. The aggregator's
/// WER chart and the study's plots draw with these, so they look alike and escape alike.
public enum SVGChart {
    /// Colours for series, in order (the matplotlib "tab10" hues).
    public static let palette = [
        "#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#17becf",
    ]

    /// A generous average advance of a 12 px sans-serif character, to estimate text widths.
    public static let characterWidth = 7.0

    /// The axis top and tick step: a 1-2-5 step giving at most about five ticks above `max`.
    public static func axis(max: Double) -> (top: Double, step: Double) {
        guard max > 0, max.isFinite else { return (0.1, 0.02) }
        let rough = max / 5
        let magnitude = pow(10, floor(log10(rough)))
        let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= rough } ?? 10 * magnitude
        return ((max / step).rounded(.up) * step, step)
    }

    /// An axis spanning `min…max` (0 always included) at a 1-2-5 step.
    public static func axis(min: Double, max: Double) -> (bottom: Double, top: Double, step: Double) {
        let low = Swift.min(0, min.isFinite ? min : 0)
        let high = Swift.max(0, max.isFinite ? max : 0)
        let (_, step) = axis(max: high - low)
        return ((low / step).rounded(.down) * step, Swift.max((high / step).rounded(.up) * step, step), step)
    }

    /// A coordinate with one decimal.
    public static func number(_ value: Double) -> String { String(format: "%.1f", value) }

    /// A rate as a percent label with as many decimals as `step` needs.
    public static func percent(_ value: Double, step: Double) -> String {
        let decimals = Swift.max(0, Int((-log10(step * 100)).rounded(.up)))
        return String(format: "%.\(decimals)f%%", value * 100)
    }

    /// Escapes the five XML special characters.
    public static func escape(_ text: String) -> String {
        var escaped = ""
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&apos;"
            default: escaped.append(character)
            }
        }
        return escaped
    }
}
