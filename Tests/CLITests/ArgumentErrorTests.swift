import Foundation
import Testing

@testable import secondpass

/// A mistake on the command line is one line on standard error naming the problem, and a
/// non-zero exit; help lists every subcommand's flags.
@Suite("Arguments and help")
struct ArgumentErrorTests {
    @Test(
        "a bad flag or value is one clear line and a non-zero exit",
        arguments: [
            (["perturb", "--input", "x.jsonl", "--bogus"], "--bogus"),
            (["perturb", "--input", "x.jsonl", "--rate", "2"], "--rate"),
            (["perturb", "--input", "x.jsonl", "--mode", "sideways"], "--mode"),
            (["eval-report"], "--outcomes"),
            (["eval-report", "--outcomes", "x.jsonl", "--resamples", "0"], "--resamples"),
            (["evaluate-lm", "--text", "x.txt", "--batch-size", "0"], "--batch-size"),
            (["demo", "--utterances", "0"], "--utterances"),
            (["bench-sim", "--input", "x.txt", "--runs", "0"], "--runs"),
            (["calibrate", "x.jsonl", "--sample", "0"], "--sample"),
            (["record", "--split", "austen/test", "--output", "x.jsonl", "--words", "24-4"], "--words"),
            (["train", "--base", "b", "--output", "o", "--steps", "0"], "--steps"),
            (["simulate", "--input", "x.txt", "--min-count", "0"], "--min-count"),
            (["no-such-command"], "no-such-command"),
        ])
    func badArguments(arguments: [String], named flag: String) async throws {
        let result = try await CLI.run(arguments)
        #expect(result.status != 0)
        let lines = CLI.errorLines(result)
        #expect(lines.count == 1, "stderr: \(result.errorText)")
        let line = try #require(lines.first)
        #expect(line.hasPrefix("secondpass: error: "))
        #expect(line.contains(flag), "\(line) should name \(flag)")
        #expect(result.standardOutput.isEmpty)
    }

    /// Flags each subcommand's help must list (its own, plus shared option groups where used).
    static let documentedFlags: [(String, [String])] = [
        (
            "demo",
            [
                "--model", "--adapter", "--text", "--utterances", "--fusion-lm-weight", "--seed",
                "--dictionary",
            ]
        ),
        ("prepare-data", ["--root", "--data", "--force"]),
        ("train-tokenizer", ["--corpus", "--vocab-size", "--min-pair-count", "--output"]),
        ("bench-eval", ["--utterances", "--words", "--runs", "--json", "--no-peer"]),
        (
            "eval-report",
            ["--outcomes", "--clean-condition", "--compare", "--baseline", "--resamples", "--json"]
        ),
        ("simulate", ["--input", "--output", "--streaming", "--id-prefix", "--target-wer", "--corpus"]),
        ("calibrate", ["<file>", "--fit", "--sample", "--max-evaluations", "--seed"]),
        ("bench-sim", ["--input", "--count", "--runs", "--json"]),
        ("pretrain", ["--corpus", "--valid", "--tokenizer", "--run", "--steps", "--sequence-length"]),
        ("evaluate-lm", ["--model", "--text", "--batch-size"]),
        ("train", ["--base", "--output", "--strategy", "--objective", "--rank", "--steps", "--resume"]),
        ("perturb", ["--input", "--output", "--mode", "--rate", "--seed", "--dictionary", "--min-count"]),
    ]

    @Test("every subcommand's --help lists its flags", arguments: documentedFlags)
    func help(subcommand: String, flags: [String]) async throws {
        let result = try await CLI.run([subcommand, "--help"])
        #expect(result.status == 0)
        for flag in flags {
            #expect(result.outputText.contains(flag), "\(subcommand) --help should list \(flag)")
        }
    }

    @Test("a failure after parsing (a missing model) is one line naming the path, without the help hint")
    func runtimeFailure() async throws {
        let result = try await CLI.run([
            "evaluate-lm", "--text", CLI.fixture("corpus.txt"), "--model", "/nonexistent/model",
        ])
        #expect(result.status != 0)
        let lines = CLI.errorLines(result)
        #expect(lines.count == 1, "stderr: \(result.errorText)")
        #expect(lines.first?.hasPrefix("secondpass: error: ") == true)
        #expect(lines.first?.contains("/nonexistent/model") == true, "stderr: \(result.errorText)")
        #expect(lines.first?.contains("--help") == false)
    }

    @Test("the error line names the subcommand's help when the arguments are wrong")
    func errorLineFormat() {
        do {
            _ = try SecondPassCommand.parseAsRoot(["perturb", "--input", "x", "--bogus"])
            Issue.record("--bogus parsed")
        } catch {
            let line = SecondPassCommand.errorLine(for: error)
            #expect(!line.contains("\n"))
            #expect(line.hasPrefix("secondpass: error: "))
            #expect(line.hasSuffix("(see 'secondpass perturb --help')"), "\(line)")
        }
    }

    @Test("validation runs at parse time, before any file is read")
    func validationAtParse() {
        #expect(throws: (any Error).self) {
            try SecondPassCommand.parseAsRoot(["demo", "--utterances", "0"])
        }
        #expect(throws: (any Error).self) {
            try SecondPassCommand.parseAsRoot(["evaluate-lm", "--text", "t", "--batch-size", "0"])
        }
    }
}
