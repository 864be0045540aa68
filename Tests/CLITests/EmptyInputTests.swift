import Foundation
import Testing

/// Nothing to do is an error, said at once: an empty input file or a zero count fails before
/// any model or dictionary loads, with one line naming the input, and a non-zero exit.
@Suite("Empty inputs and zero counts")
struct EmptyInputTests {
    /// Each case points its model or dictionary at a path that does not exist: the run can only
    /// name the empty input if it checks that before loading anything.
    static let cases: [([String], String)] = [
        (
            ["perturb", "--input", CLI.fixture("empty.jsonl"), "--dictionary", "/nonexistent"],
            "no N-best list"
        ),
        (["eval-report", "--outcomes", CLI.fixture("empty.jsonl")], "no outcome record"),
        (
            ["simulate", "--input", CLI.fixture("empty.jsonl"), "--dictionary", "/nonexistent"],
            "no reference sentence"
        ),
        (
            ["bench-sim", "--input", CLI.fixture("empty.jsonl"), "--dictionary", "/nonexistent"],
            "no reference sentence"
        ),
        (["calibrate", CLI.fixture("empty.jsonl"), "--dictionary", "/nonexistent"], "no final N-best list"),
        (["evaluate-lm", "--text", CLI.fixture("empty.jsonl"), "--model", "/nonexistent"], "no sentence"),
        (
            ["train-tokenizer", "--corpus", CLI.fixture("empty.jsonl"), "--output", "/nonexistent/t.json"],
            "no text"
        ),
        (["demo", "--utterances", "0", "--model", "/nonexistent"], "--utterances must be at least 1"),
    ]

    @Test("empty input is a one-line error before loading anything", arguments: cases)
    func emptyInput(arguments: [String], message: String) async throws {
        let result = try await CLI.run(arguments)
        #expect(result.status != 0)
        let lines = CLI.errorLines(result)
        #expect(lines.count == 1, "stderr: \(result.errorText)")
        #expect(lines.first?.contains(message) == true, "stderr: \(result.errorText)")
    }
}
