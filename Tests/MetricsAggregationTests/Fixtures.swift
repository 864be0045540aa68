import Evaluation
import Foundation
import MetricsAggregation

/// Outcomes and scratch databases shared by the suites.
enum Fixtures {
    /// A fresh database path in a new temporary folder; `body` runs with it and the folder is removed.
    static func withDatabasePath<T>(_ body: (String) async throws -> T) async throws -> T {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "metrics-aggregation-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        return try await body(folder.appendingPathComponent("metrics.sqlite").path)
    }

    static let sentences = [
        "the cat sat on the mat", "she walked to the market at noon", "there is no place like home",
        "they read their letters by the fire", "we knew the new road was long", "he ate eight pears",
        "the night was dark and cold", "write the right answer here", "a knight rode through the town",
        "our hour has come at last", "the sea was calm that morning", "i see the bear on the hill",
    ]

    /// One outcome per sentence: a three-best list with an error in some hypotheses; `choice`
    /// picks the rescorer's index per utterance, `perturb` rewrites the first-pass texts.
    static func outcomes(
        run: String, condition: String, choice: (Int) -> Int = { $0 % 3 == 0 ? 1 : 0 },
        perturb: (String) -> String = { $0 }
    ) -> [UtteranceOutcome] {
        sentences.enumerated().map { index, reference in
            let words = reference.split(separator: " ").map(String.init)
            let dropped = words.dropLast().joined(separator: " ")
            let swapped = ([words[0] == "the" ? "a" : "the"] + words.dropFirst()).joined(separator: " ")
            let texts = (index % 2 == 0 ? [dropped, reference, swapped] : [reference, swapped, dropped]).map(
                perturb)
            let chosen = choice(index)
            return UtteranceOutcome(
                run: run, condition: condition, utteranceID: String(format: "utt-%03d", index),
                reference: reference,
                firstPassTexts: texts, chosenIndex: chosen, chosenText: texts[chosen])
        }
    }

    /// A run with a clean, a homophone and an N-best condition.
    static func study(run: String) -> [UtteranceOutcome] {
        outcomes(run: run, condition: "clean")
            + outcomes(
                run: run, condition: "homophone-1best:p=0.15", choice: { $0 % 4 == 0 ? 1 : 0 },
                perturb: { $0.replacingOccurrences(of: "there", with: "their") })
            + outcomes(
                run: run, condition: "nbest:p=0.1", choice: { $0 % 5 == 0 ? 2 : 0 },
                perturb: { $0.replacingOccurrences(of: "the ", with: "a ") })
    }
}
