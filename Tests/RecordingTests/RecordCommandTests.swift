import FirstPass
import Foundation
import SecondPassTestSupport
import Testing

@Suite("secondpass record as a process")
struct RecordCommandTests {
    @Test func recordsATextFileAndReportsWhatItDid() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let text = directory.appendingPathComponent("sentences.txt")
        try Data("elinor first spoke\n\nthey were both silent\n".utf8).write(to: text)
        let output = directory.appendingPathComponent("out.jsonl").path
        let result = try ChildProcess.runBlocking(
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

    @Test func anUnknownVoiceIsOneErrorLine() throws {
        let result = try ChildProcess.runBlocking(
            BuiltProducts.secondpass,
            arguments: ["record", "--text", "/dev/null", "--voices", "hal", "--output", "/dev/null"])
        #expect(result.status != 0)
        #expect(result.errorText.hasPrefix("secondpass: error: unknown voice 'hal'"), "\(result.errorText)")
        #expect(result.errorText.split(separator: "\n").count == 1)
    }
}
