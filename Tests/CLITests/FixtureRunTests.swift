import Foundation
import Testing

/// Small real runs of `perturb` and `eval-report` on the fixture files.
@Suite("Runs on fixture files")
struct FixtureRunTests {
    private func perturb(seed: Int, output: URL) async throws -> ChildProcessOutcome {
        let result = try await CLI.run([
            "perturb", "--input", CLI.fixture("nbest.jsonl"), "--output", output.path, "--mode", "n-best",
            "--rate", "1", "--seed", "\(seed)", "--corpus", CLI.fixture("corpus.txt"),
        ])
        return ChildProcessOutcome(
            status: result.status, error: result.errorText,
            lines: try String(contentsOf: output, encoding: .utf8))
    }

    struct ChildProcessOutcome {
        var status: Int32
        var error: String
        var lines: String
    }

    @Test("perturb replaces words by homophones, keeps references, and is reproducible by seed")
    func perturbRun() async throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let first = try await perturb(seed: 7, output: folder.appendingPathComponent("a.jsonl"))
        let again = try await perturb(seed: 7, output: folder.appendingPathComponent("b.jsonl"))
        #expect(first.status == 0, "\(first.error)")
        #expect(first.error.contains("perturbed 3 lists"), "\(first.error)")
        #expect(!first.error.contains(", 0 word replacements"), "\(first.error)")
        #expect(first.lines == again.lines)

        struct Record: Decodable {
            var utteranceID: String
            var reference: String
            var hypotheses: [Hypothesis]
            struct Hypothesis: Decodable { var text: String }
        }
        let input = try String(contentsOfFile: CLI.fixture("nbest.jsonl"), encoding: .utf8)
        let decode = { (text: String) in
            try text.split(separator: "\n").map { try JSONDecoder().decode(Record.self, from: Data($0.utf8)) }
        }
        let before = try decode(input)
        let after = try decode(first.lines)
        try #require(after.count == before.count)
        #expect(after.map(\.reference) == before.map(\.reference))
        #expect(after.map(\.utteranceID) == before.map(\.utteranceID))
        #expect(after.map(\.hypotheses.count) == before.map(\.hypotheses.count))
        // At rate 1 words with a homophone in the corpus are replaced: the fixture has many.
        let changed = zip(before, after).filter { $0.hypotheses.map(\.text) != $1.hypotheses.map(\.text) }
        #expect(!changed.isEmpty)
    }

    @Test("eval-report computes each run's WER and compares the runs")
    func evalReportRun() async throws {
        let result = try await CLI.run([
            "eval-report", "--outcomes", CLI.fixture("outcomes.jsonl"), "--baseline", "base", "--resamples",
            "50",
            "--json",
        ])
        #expect(result.status == 0, "\(result.errorText)")
        let object = try #require(
            try JSONSerialization.jsonObject(with: result.standardOutput) as? [String: Any])
        let conditions = try #require(object["conditions"] as? [[String: Any]])
        #expect(conditions.count == 2)
        #expect(object["comparisons"] as? [Any] != nil)
        #expect((object["comparisons"] as? [Any])?.count == 1)
        let text = String(decoding: result.standardOutput, as: UTF8.self)
        #expect(text.contains("\"adapted\""))
        #expect(text.contains("\"base\""))
        // The first pass makes 4 errors in 20 reference words; base keeps it, adapted fixes all.
        let markdown = try await CLI.run(["eval-report", "--outcomes", CLI.fixture("outcomes.jsonl")])
        #expect(markdown.status == 0)
        #expect(markdown.outputText.contains("## Conditions"))
        #expect(
            markdown.outputText.contains("| base | clean | 4 | 20.00% | 20.00% "), "\(markdown.outputText)")
        #expect(
            markdown.outputText.contains("| adapted | clean | 4 | 20.00% | 0.00% "), "\(markdown.outputText)")
    }
}
