import FirstPass
import Foundation
import SecondPassTestSupport
import Testing

@Suite("secondpass record as a process")
struct RecordCommandTests {
    @Test func recordsATextFileAndReportsWhatItDid() async throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let text = directory.appendingPathComponent("sentences.txt")
        try Data("elinor first spoke\n\nthey were both silent\n".utf8).write(to: text)
        let output = directory.appendingPathComponent("out.jsonl").path
        let result = try await ChildProcess.run(
            BuiltProducts.secondpass,
            arguments: [
                "record", "--text", text.path, "--voices", "kal16", "--nbest", "4", "--output", output,
            ])
        #expect(result.status == 0, "\(result.errorText)")
        #expect(
            result.outputText.contains("record: 2 lists, 1 failures, 0 already done"), "\(result.outputText)")
        let report = NBestJSONL.parse(try String(contentsOfFile: output, encoding: .utf8))
        #expect(
            report.records.map(\.list.utteranceID).sorted() == [
                "sentences-000001-kal16", "sentences-000003-kal16",
            ])
        #expect(report.failures.map(\.utteranceID) == ["sentences-000002-kal16"])
    }

    @Test func anUnknownVoiceIsOneErrorLine() async throws {
        let result = try await ChildProcess.run(
            BuiltProducts.secondpass,
            arguments: ["record", "--text", "/dev/null", "--voices", "hal", "--output", "/dev/null"])
        #expect(result.status != 0)
        #expect(result.errorText.hasPrefix("secondpass: error: unknown voice 'hal'"), "\(result.errorText)")
        #expect(result.errorText.split(separator: "\n").count == 1)
    }

    @Test(
        "a bad flag or value is one line naming it",
        arguments: [
            (["record", "--output", "o.jsonl"], "--text, --split and --audio-list"),
            (
                ["record", "--text", "a", "--split", "austen/dev", "--output", "o"],
                "--text, --split and --audio-list"
            ),
            (["record", "--text", "a", "--nbest", "0", "--output", "o"], "--nbest"),
            (["record", "--text", "a", "--jobs", "0", "--output", "o"], "--jobs"),
            (["record", "--text", "a", "--limit", "0", "--output", "o"], "--limit"),
            (
                ["record", "--text", "/nonexistent/sentences.txt", "--output", "o"],
                "/nonexistent/sentences.txt"
            ),
        ])
    func badArguments(arguments: [String], named text: String) async throws {
        let result = try await ChildProcess.run(BuiltProducts.secondpass, arguments: arguments)
        #expect(result.status != 0)
        let lines = result.errorText.split(separator: "\n")
        #expect(lines.count == 1 && lines[0].hasPrefix("secondpass: error: "), "\(result.errorText)")
        #expect(result.errorText.contains(text), "\(result.errorText)")
    }

    @Test func anOutputThatIsNotNBestJSONLIsRefusedNotAppendedTo() async throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let output = directory.appendingPathComponent("notes.jsonl")
        try Data("these are my notes\n".utf8).write(to: output)
        let text = directory.appendingPathComponent("s.txt")
        try Data("elinor first spoke\n".utf8).write(to: text)
        let result = try await ChildProcess.run(
            BuiltProducts.secondpass, arguments: ["record", "--text", text.path, "--output", output.path])
        #expect(result.status != 0)
        #expect(result.errorText.contains("invalid line"), "\(result.errorText)")
        #expect(try String(contentsOf: output, encoding: .utf8) == "these are my notes\n")
    }

    @Test func helpListsEveryFlag() async throws {
        let result = try await ChildProcess.run(BuiltProducts.secondpass, arguments: ["record", "--help"])
        #expect(result.status == 0)
        for flag in [
            "--text", "--split", "--audio-list", "--data", "--voices", "--noise-snr", "--nbest", "--output",
            "--jobs",
            "--limit", "--seed", "--id-prefix",
        ] {
            #expect(result.outputText.contains(flag), "record --help should list \(flag)")
        }
    }
}
