import Foundation
import Testing

/// `secondpass rescore` on the shipped base model: outputs eval-report reads, and one-line errors.
@Suite("secondpass rescore")
struct RescoreCommandTests {
    @Test("rescores a fixture file into results and outcome records that eval-report reads")
    func rescoresAFile() async throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let results = folder.appendingPathComponent("results.jsonl").path
        let outcomes = folder.appendingPathComponent("outcomes.jsonl").path
        let run = try await CLI.run([
            "rescore", "--model", "Models/base", "--nbest", CLI.fixture("nbest.jsonl"), "--output", results,
            "--outcomes", outcomes, "--lm-weight", "0.3",
        ])
        #expect(run.status == 0, "stderr: \(run.errorText)")
        #expect(run.errorText.contains("rescored 3/3 lists (100%)"))
        let lines = try String(contentsOfFile: results, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines.allSatisfy { $0.contains("\"chosenIndex\"") && $0.contains("\"reference\"") })
        let report = try await CLI.run(["eval-report", "--outcomes", outcomes])
        #expect(report.status == 0, "stderr: \(report.errorText)")
        #expect(report.outputText.contains("| base | clean | 3 |"))
    }

    static let errors: [([String], String)] = [
        (["--nbest", "/nonexistent/n.jsonl"], "--nbest /nonexistent/n.jsonl does not exist"),
        (["--nbest", CLI.fixture("empty.jsonl")], "holds no N-best list"),
        (["--nbest", CLI.fixture("outcomes.jsonl")], "line 1:"),
        (["--nbest", CLI.fixture("nbest.jsonl"), "--use-adapter", "x"], "--use-adapter x is not among"),
        (
            ["--nbest", CLI.fixture("nbest.jsonl"), "--fusion", "f.json", "--lm-weight", "1"],
            "--fusion cannot"
        ),
    ]

    /// The model path does not exist: each error must be found before the model would load.
    @Test("bad input is one line and a non-zero exit", arguments: errors)
    func badInput(arguments: [String], message: String) async throws {
        let result = try await CLI.run(["rescore", "--model", "/nonexistent"] + arguments)
        #expect(result.status != 0)
        let lines = CLI.errorLines(result)
        #expect(lines.count == 1, "stderr: \(result.errorText)")
        #expect(lines.first?.contains(message) == true, "stderr: \(result.errorText)")
    }
}
