import Foundation
import Testing

/// `secondpass ngram train|perplexity`, and `rescore`/`tune --ngram`, as a user runs them.
@Suite("secondpass ngram")
struct NGramCommandTests {
    /// Trains the fixture corpus (too small to estimate discounts: the fallback is needed).
    static func train(into folder: URL) async throws -> String {
        let arpa = folder.appendingPathComponent("fixture.arpa").path
        let result = try await CLI.run([
            "ngram", "train", "--text", CLI.fixture("corpus.txt"), "--output", arpa, "--discount-fallback",
        ])
        #expect(result.status == 0, "stderr: \(result.errorText)")
        #expect(result.outputText.contains("order 3, 6 sentences, 90 words"), "\(result.outputText)")
        #expect(result.outputText.contains("fallback for orders"))
        return arpa
    }

    @Test("train writes ARPA; perplexity scores it; rescore and tune take it with --ngram")
    func trainScoreRescoreTune() async throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let arpa = try await Self.train(into: folder)
        #expect(try String(contentsOfFile: arpa, encoding: .utf8).hasPrefix("\\data\\\nngram 1="))

        let perplexity = try await CLI.run([
            "ngram", "perplexity", "--model", arpa, "--text", CLI.fixture("corpus.txt"),
        ])
        #expect(perplexity.status == 0, "stderr: \(perplexity.errorText)")
        #expect(perplexity.outputText.contains("6 sentences, 90 words (0 unknown), 96 words+</s>"))

        let fusion = folder.appendingPathComponent("fusion.json").path
        let tune = try await CLI.run([
            "tune", "--ngram", arpa, "--nbest", CLI.fixture("nbest.jsonl"), "--output", fusion, "--method",
            "line",
        ])
        #expect(tune.status == 0, "stderr: \(tune.errorText)")
        let file = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: fusion)))
                as? [String: Any])
        let base = try #require(file["base"] as? [String: Any])
        #expect(base["utterances"] as? Int == 3)

        let outcomes = folder.appendingPathComponent("outcomes.jsonl").path
        let results = folder.appendingPathComponent("results.jsonl").path
        let rescore = try await CLI.run([
            "rescore", "--ngram", arpa, "--nbest", CLI.fixture("nbest.jsonl"), "--fusion", fusion, "--output",
            results, "--outcomes", outcomes,
        ])
        #expect(rescore.status == 0, "stderr: \(rescore.errorText)")
        #expect(rescore.outputText.contains("rescored 3 lists (3 final"))
        let lines = try String(contentsOfFile: results, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 3 && lines.allSatisfy { $0.contains("\"modelID\":\"ngram:fixture.arpa\"") })
        let report = try await CLI.run(["eval-report", "--outcomes", outcomes])
        #expect(report.status == 0, "stderr: \(report.errorText)")
        #expect(report.outputText.contains("| ngram | clean | 3 |"), "\(report.outputText)")
    }

    static let errors: [([String], String)] = [
        (
            ["ngram", "train", "--text", CLI.fixture("corpus.txt"), "--output", "/tmp/x.arpa"],
            "order-2 discounts"
        ),
        (
            [
                "ngram", "train", "--text", CLI.fixture("corpus.txt"), "--output", "/tmp/x.arpa", "--order",
                "4",
            ], "--order"
        ),
        (
            [
                "ngram", "perplexity", "--model", CLI.fixture("nbest.jsonl"), "--text",
                CLI.fixture("corpus.txt"),
            ], "\\data\\"
        ),
        (["rescore", "--nbest", CLI.fixture("nbest.jsonl")], "exactly one of --model"),
        (
            [
                "rescore", "--model", "Models/base", "--ngram", "x.arpa", "--nbest",
                CLI.fixture("nbest.jsonl"),
            ], "exactly one"
        ),
        (
            ["rescore", "--ngram", CLI.fixture("corpus.txt"), "--nbest", CLI.fixture("nbest.jsonl")],
            "--ngram"
        ),
        (["tune", "--ngram", "x.arpa", "--adapter", "a=b", "--nbest", "n", "--output", "o"], "need --model"),
    ]

    @Test("bad input is one line and a non-zero exit", arguments: errors)
    func badInput(arguments: [String], message: String) async throws {
        let result = try await CLI.run(arguments)
        #expect(result.status != 0)
        let lines = CLI.errorLines(result)
        #expect(lines.count == 1, "stderr: \(result.errorText)")
        #expect(lines.first?.contains(message) == true, "stderr: \(result.errorText)")
    }
}
