import Evaluation
import Foundation
import H2RPC
import Logging
import MetricsAggregation
import RescoringMessages

/// Wire records built from outcomes, and scratch folders.
enum Records {
    static let sentences = [
        "the cat sat on the mat", "she walked to the market at noon", "there is no place like home",
        "they read their letters by the fire", "we knew the new road was long", "he ate eight pears",
        "the night was dark and cold", "write the right answer here",
    ]

    /// The record of one utterance: a three-best list (scores descending, so the 1-best is
    /// index 0) and the rescorer's choice.
    static func record(run: String, condition: String, index: Int, chosen: Int? = nil) -> EvaluationRecord {
        let reference = sentences[index % sentences.count]
        let words = reference.split(separator: " ").map(String.init)
        let texts = [
            words.dropLast().joined(separator: " "), reference,
            (["a"] + words.dropFirst()).joined(separator: " "),
        ]
        let choice = chosen ?? (index % 3 == 0 ? 0 : 1)
        let id = String(format: "utt-%03d", index)
        return EvaluationRecord(
            runID: run, utteranceID: id, condition: condition, reference: reference,
            firstPass: NBestListMessage(
                utteranceID: id, sessionID: "s", sequenceNumber: UInt64(index), kind: .final,
                hypotheses: texts.enumerated().map { HypothesisMessage(text: $1, totalScore: -Double($0)) }),
            rescored: RescoreResult(
                utteranceID: id, sessionID: "s", sequenceNumber: UInt64(index), kind: .final,
                hypotheses: [ScoredHypothesis(originalIndex: UInt32(choice), text: texts[choice])],
                chosenIndex: UInt32(choice)))
    }

    static func run(_ run: String, condition: String = "clean", count: Int = sentences.count)
        -> [EvaluationRecord]
    {
        (0..<count).map { record(run: run, condition: condition, index: $0) }
    }

    /// A fresh folder; `body` runs with it and the folder is removed afterwards.
    static func withFolder<T>(_ body: (URL) async throws -> T) async throws -> T {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "aggregator-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        return try await body(folder)
    }

    static var quietLogger: Logger {
        var logger = Logger(label: "aggregator-tests")
        logger.logLevel = .critical
        return logger
    }
}
