import FirstPass
import Foundation
import Recording
import Testing

@Suite("Recorder: flite speech, failures recorded, resumption")
struct RecorderTests {
    @Test func fliteSpeechInTwoVoicesWithNoiseBecomesListsWithTheOneBestFirst() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let output = directory.appendingPathComponent("flite.jsonl").path
        let utterances = RecordingUtterance.plan(
            lines: ["they were both silent for a few moments", "elinor first spoke"], idPrefix: "t",
            voices: ["slt", "awb"], snr: 15)
        #expect(
            utterances.map(\.id) == [
                "t-000001-slt-snr15", "t-000001-awb-snr15", "t-000002-slt-snr15", "t-000002-awb-snr15",
            ])
        let progress = try Recorder(options: .init(nbest: 5, jobs: 2)).record(utterances, output: output)
        #expect(progress.recorded == 4 && progress.failed == 0)
        let report = try NBestJSONL.read(contentsOfFile: output)
        #expect(report.resortedLines.isEmpty, "a list whose 1-best is not its best total")
        #expect(Set(report.records.map(\.list.utteranceID)) == Set(utterances.map(\.id)))
        for record in report.records {
            #expect((1...5).contains(record.list.hypotheses.count))
            #expect(record.list.hypotheses.allSatisfy { $0.totalScore.isFinite && $0.acousticScore.isFinite })
        }
    }

    @Test func aWordRangeKeepsTheFilesLineNumbersAndTheLimitCountsKeptSentences() {
        let lines = [
            "too short", "", "elinor first spoke to him", "a b c d e f g", "they were silent", "x y z w",
        ]
        let utterances = RecordingUtterance.plan(
            lines: lines, idPrefix: "t", voices: ["slt"], snr: nil, words: 4...6, limit: 2)
        #expect(utterances.map(\.id) == ["t-000003-slt", "t-000006-slt"])
        #expect(utterances.map(\.reference) == ["elinor first spoke to him", "x y z w"])
    }

    @Test func badAudioAndEmptyTranscriptsAreRecordedAsFailures() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let notAudio = directory.appendingPathComponent("broken.wav").path
        try Data("this is not a wave file".utf8).write(to: URL(fileURLWithPath: notAudio))
        let output = directory.appendingPathComponent("out.jsonl").path
        let utterances = [
            RecordingUtterance(
                id: "broken", reference: "some words", voice: "file", snr: nil, audioPath: notAudio),
            RecordingUtterance(
                id: "missing", reference: "some words", voice: "file", snr: nil,
                audioPath: directory.appendingPathComponent("absent.wav").path),
            RecordingUtterance(id: "empty", reference: "", voice: "slt", snr: nil),
        ]
        let progress = try Recorder(options: .init(jobs: 1)).record(utterances, output: output)
        #expect(progress.failed == 3 && progress.recorded == 0)
        let report = NBestJSONL.parse(try String(contentsOfFile: output, encoding: .utf8))
        #expect(report.issues.isEmpty && report.records.isEmpty)
        let reasons = Dictionary(uniqueKeysWithValues: report.failures.map { ($0.utteranceID, $0.reason) })
        #expect(
            reasons["broken"]?.hasPrefix("unreadable-audio: ") == true && reasons["broken"]!.contains("RIFF"))
        #expect(reasons["missing"]?.hasPrefix("unreadable-audio: cannot read") == true)
        #expect(reasons["empty"]?.hasPrefix("empty-transcript: ") == true)
    }

    @Test func aSecondRunSkipsWhatIsDoneAndRedoesACutLastLine() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let output = directory.appendingPathComponent("resume.jsonl").path
        let all = try LibriVoxRecordings.utterances()
        let recorder = Recorder(options: .init(nbest: 3, jobs: 2))
        try recorder.record(Array(all.prefix(2)), output: output)
        // An interrupted run: half of a third line, no newline.
        let handle = try #require(FileHandle(forWritingAtPath: output))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("{\"utteranceID\":\"\(all[2].id)\",\"hypo".utf8))
        try handle.close()
        let before = try NBestJSONL.parse(
            String(decoding: Data(contentsOf: URL(fileURLWithPath: output)), as: UTF8.self))
        #expect(before.records.count == 2 && before.issues.count == 1)

        var seen: [Recorder.Progress] = []
        let progress = try recorder.record(Array(all.prefix(3)), output: output) { _ in }
        seen.append(progress)
        #expect(progress.skipped == 2 && progress.recorded == 1 && progress.total == 1)
        let after = try NBestJSONL.read(contentsOfFile: output)
        #expect(after.records.map(\.list.utteranceID).sorted() == all.prefix(3).map(\.id).sorted())

        let again = try recorder.record(Array(all.prefix(3)), output: output)
        #expect(again.skipped == 3 && again.recorded == 0 && again.total == 0)
    }
}
