import Foundation
public import Phonetics

/// A test condition: how the first-pass lists are altered before they are sent.
///
/// The names are the ones `Docs/metrics.md` reads families from: `clean`; `homophone-1best:p=P`
/// (homophones replace words of the 1-best in place → D1); `homophone-twin:p=P` (the perturbed
/// 1-best is inserted after the original → D1-twin); `nbest:p=P` (every hypothesis perturbed → NPRR).
public enum SimulationCondition: Sendable, Hashable, CustomStringConvertible {
    case clean
    case homophoneOneBest(rate: Double)
    case homophoneTwin(rate: Double)
    case nBest(rate: Double)

    /// Why a `--conditions` entry was refused.
    public struct ParseError: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// Parses one entry: `clean`, `homophone-1best:p=0.15`, `homophone-twin:p=0.15`, `nbest:p=0.1`.
    public init(parsing text: String) throws(ParseError) {
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        let family = parts.first ?? ""
        if family == "clean" {
            guard parts.count == 1 else { throw ParseError(description: "condition 'clean' takes no rate") }
            self = .clean
            return
        }
        let known = ["homophone-1best", "homophone-twin", "nbest"]
        guard known.contains(family) else {
            throw ParseError(
                description:
                    "unknown condition '\(family)' (known: clean, homophone-1best:p=P, homophone-twin:p=P, nbest:p=P)"
            )
        }
        guard parts.count == 2, parts[1].hasPrefix("p="), let rate = Double(parts[1].dropFirst(2)),
            rate > 0, rate <= 1
        else {
            throw ParseError(
                description: "condition '\(text)' needs a rate as '\(family):p=P' with 0 < P <= 1")
        }
        switch family {
        case "homophone-1best": self = .homophoneOneBest(rate: rate)
        case "homophone-twin": self = .homophoneTwin(rate: rate)
        default: self = .nBest(rate: rate)
        }
    }

    /// Parses a comma-separated list; names must be distinct (they key the aggregator's records).
    public static func parseList(_ text: String) throws(ParseError) -> [SimulationCondition] {
        var conditions: [SimulationCondition] = []
        for entry in text.split(separator: ",") {
            let condition = try SimulationCondition(parsing: entry.trimmingCharacters(in: .whitespaces))
            guard !conditions.contains(where: { $0.name == condition.name }) else {
                throw ParseError(description: "condition '\(condition.name)' is listed twice")
            }
            conditions.append(condition)
        }
        guard !conditions.isEmpty else { throw ParseError(description: "no condition given") }
        return conditions
    }

    /// The name records carry (the aggregator infers the metric family from it).
    public var name: String {
        switch self {
        case .clean: "clean"
        case .homophoneOneBest(let rate): "homophone-1best:p=\(Self.format(rate))"
        case .homophoneTwin(let rate): "homophone-twin:p=\(Self.format(rate))"
        case .nBest(let rate): "nbest:p=\(Self.format(rate))"
        }
    }

    public var description: String { name }

    /// The perturbation mode and rate, or nil for the clean condition.
    public var perturbation: (mode: HomophonePerturber.Mode, rate: Double)? {
        switch self {
        case .clean: nil
        case .homophoneOneBest(let rate): (.oneBest, rate)
        case .homophoneTwin(let rate): (.twin, rate)
        case .nBest(let rate): (.nBest, rate)
        }
    }

    private static func format(_ rate: Double) -> String {
        var text = String(rate)
        if text.hasSuffix(".0") { text.removeLast(2) }
        return text
    }
}
