import Foundation
import NBest
import Testing

@testable import FirstPass

@Suite("N-best JSONL replay")
struct NBestJSONLTests {
    @Test("written records read back identically")
    func roundTrip() throws {
        let simulator = FirstPassFixtures.simulator()
        var records = FirstPassFixtures.sentences.enumerated().map {
            simulator.simulate(reference: $1, utteranceID: "r\($0)")
        }
        records[0].list.hypotheses[0].tokenIDs = [5, -3, 70000]
        records[1].list.hypotheses[0].confidence = nil
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("nbest-\(UUID()).jsonl").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try NBestJSONL.write(records, toFile: path)
        let report = try NBestJSONL.read(contentsOfFile: path)
        #expect(report.issues.isEmpty)
        #expect(report.records == records)
        #expect(NBestJSONL.text(for: report.records) == NBestJSONL.text(for: records))
    }

    @Test("minimal records take defaults for optional fields")
    func defaults() throws {
        let report = NBestJSONL.parse(
            #"{"utteranceID":"a","reference":"hi there","hypotheses":[{"text":"hi there","totalScore":-1}]}"#)
        let record = try #require(report.records.first)
        #expect(record.list.kind == .final)
        #expect(record.list.sessionID == "")
        #expect(record.list.hypotheses[0].acousticScore == 0)
        #expect(record.list.hypotheses[0].tokenIDs.isEmpty)
    }

    @Test(
        "invalid records are reported with their line numbers",
        arguments: [
            ("not json", "not valid JSON"),
            ("[1, 2]", "must be a JSON object"),
            (#"{"reference":"a","hypotheses":[{"text":"a","totalScore":0}]}"#, "utteranceID"),
            (#"{"utteranceID":"u","hypotheses":[{"text":"a","totalScore":0}]}"#, "reference"),
            (#"{"utteranceID":"u","reference":"a","hypotheses":[]}"#, "'hypotheses' is empty"),
            (#"{"utteranceID":"u","reference":"a","hypotheses":[{"text":"a"}]}"#, "totalScore"),
            (
                #"{"utteranceID":"u","reference":"a","hypotheses":[{"text":"a","totalScore":true}]}"#,
                "finite number"
            ),
            (
                #"{"utteranceID":"u","reference":"a","hypotheses":[{"text":"a  b","totalScore":0}]}"#,
                "single spaces"
            ),
            (
                #"{"utteranceID":"u","reference":"a","kind":"draft","hypotheses":[{"text":"a","totalScore":0}]}"#,
                "kind"
            ),
            (
                #"{"utteranceID":"u","reference":"a","extra":1,"hypotheses":[{"text":"a","totalScore":0}]}"#,
                "unknown field 'extra'"
            ),
            (
                #"{"utteranceID":"u","reference":"a","hypotheses":[{"text":"a","totalScore":0,"confidence":2}]}"#,
                "confidence"
            ),
            (
                #"{"utteranceID":"u","reference":"a","hypotheses":[{"text":"a","totalScore":0,"tokenIDs":[1.5]}]}"#,
                "tokenIDs"
            ),
            (
                #"{"utteranceID":"u","reference":"a","hypotheses":[{"text":"a","totalScore":0},{"text":"a","totalScore":-1}]}"#,
                "duplicate hypothesis"
            ),
        ])
    func invalidLine(line: String, expected: String) {
        let good = #"{"utteranceID":"ok","reference":"a","hypotheses":[{"text":"a","totalScore":0}]}"#
        let report = NBestJSONL.parse(
            [good, "", line, good.replacingOccurrences(of: "ok", with: "ok2")].joined(separator: "\n"))
        #expect(report.records.count == 2)
        #expect(report.issues.count == 1)
        #expect(report.issues.first?.lineNumber == 3)
        #expect(report.issues.first?.message.contains(expected) == true, "\(report.issues)")
    }

    @Test("unsorted lists are re-sorted or rejected; duplicates kept best or rejected")
    func policies() throws {
        let unsorted =
            #"{"utteranceID":"u","reference":"a","hypotheses":[{"text":"b","totalScore":-2},{"text":"a","totalScore":-1}]}"#
        let sorted = NBestJSONL.parse(unsorted)
        #expect(sorted.records.first?.list.hypotheses.map(\.text) == ["a", "b"])
        #expect(sorted.resortedLines == [1])
        #expect(
            NBestJSONL.parse(unsorted, unsorted: .reject).issues.first?.message.contains("not sorted") == true
        )
        let duplicate =
            #"{"utteranceID":"u","reference":"a","hypotheses":[{"text":"a","totalScore":-1},{"text":"a","totalScore":-2}]}"#
        let kept = NBestJSONL.parse(duplicate, duplicates: .keepBest)
        #expect(kept.records.first?.list.hypotheses.map(\.totalScore) == [-1])
        #expect(kept.dedupedLines == [1])
    }

    @Test("a repeated utterance and sequence number is an error; a strict read throws with every issue")
    func repeatsAndStrictRead() throws {
        let line = #"{"utteranceID":"u","reference":"a","hypotheses":[{"text":"a","totalScore":0}]}"#
        let report = NBestJSONL.parse(line + "\n" + line)
        #expect(report.issues.map(\.lineNumber) == [2])
        #expect(report.issues.first?.message.contains("repeats line 1") == true)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("bad-\(UUID()).jsonl").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data((line + "\nnope\n{}\n").utf8).write(to: URL(fileURLWithPath: path))
        let error = #expect(throws: NBestJSONLError.self) { try NBestJSONL.read(contentsOfFile: path) }
        #expect(error?.code == .invalidRecords)
        #expect(error?.issues.map(\.lineNumber) == [2, 3])
        let missing = #expect(throws: NBestJSONLError.self) {
            try NBestJSONL.read(contentsOfFile: path + ".missing")
        }
        #expect(missing?.code == .io)
    }
}
