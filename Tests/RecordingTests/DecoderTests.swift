import FirstPass
import Foundation
import NBest
import Recording
import Testing

@Suite("pocketsphinx through the shim, on real read speech")
struct DecoderTests {
    @Test func theDecodersOneBestLeadsEveryListWithFiniteScores() throws {
        let decoder = try PocketSphinxDecoder()
        for utterance in try LibriVoxRecordings.utterances() {
            let audio = try WAVAudio.read(contentsOf: utterance.audioPath!)
            let paths = try decoder.decode(audio.samples, nbest: 30)
            let decoderBest = paths.first { $0.isDecoderBest }
            let best = try #require(decoderBest, "\(utterance.id): no 1-best")
            let list = NBestMerger.merge(paths, limit: 10)
            #expect(list.first?.text == NBestMerger.normalizedText(best.text), "\(utterance.id)")
            #expect(list.count >= 3, "\(utterance.id): only \(list.count) distinct hypotheses")
            #expect(Set(list.map(\.text)).count == list.count, "\(utterance.id): duplicates left")
            for hypothesis in list {
                #expect(hypothesis.totalScore.isFinite && hypothesis.acousticScore.isFinite)
                #expect(hypothesis.lmScore.isFinite && hypothesis.lmScore < 0)
                #expect(
                    !hypothesis.text.contains("<") && !hypothesis.text.contains("("), "\(hypothesis.text)")
            }
            // The paths are scored the way the best-path search scores them, so none beats its
            // winner: a best-first reader keeps the 1-best first.
            #expect(list.dropFirst().allSatisfy { $0.totalScore <= list[0].totalScore }, "\(utterance.id)")
            // Real speech of an in-vocabulary reader: the 1-best is close to the transcript.
            let overlap = Set(list[0].words).intersection(utterance.reference.split(separator: " ")).count
            #expect(
                overlap * 2 >= utterance.reference.split(separator: " ").count,
                "\(utterance.id): \(list[0].text)")
        }
    }

    @Test func decodingDoesNotDependOnWhatTheDecoderHeardBefore() throws {
        let decoder = try PocketSphinxDecoder()
        let utterances = try LibriVoxRecordings.utterances()
        let first = try WAVAudio.read(contentsOf: utterances[1].audioPath!).samples
        let other = try WAVAudio.read(contentsOf: utterances[0].audioPath!).samples
        let fresh = try decoder.decode(first, nbest: 5)
        _ = try decoder.decode(other, nbest: 5)
        #expect(try decoder.decode(first, nbest: 5) == fresh)
    }

    @Test func theCommittedFixtureIsWhatTheDecoderProduces() throws {
        let fixture = try NBestJSONL.read(contentsOfFile: Fixtures.librivox).records
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let output = directory.appendingPathComponent("librivox.jsonl").path
        try Recorder(options: .init(nbest: 10, jobs: 2)).record(
            try LibriVoxRecordings.utterances(), output: output)
        let recorded = Dictionary(
            uniqueKeysWithValues: try NBestJSONL.read(contentsOfFile: output).records.map {
                ($0.list.utteranceID, $0)
            })
        #expect(fixture.count == 5)
        for record in fixture {
            let again = try #require(recorded[record.list.utteranceID])
            #expect(again.reference == record.reference)
            #expect(again.list.hypotheses.map(\.text) == record.list.hypotheses.map(\.text))
            for (a, b) in zip(again.list.hypotheses, record.list.hypotheses) {
                #expect(abs(a.totalScore - b.totalScore) < 1e-6 && abs(a.lmScore - b.lmScore) < 1e-6)
            }
        }
    }
}

/// Files the tests read or write.
enum Fixtures {
    /// Real recorded lists of the five LibriVox recordings (`Docs/data.md`, "Recorded sets").
    static var librivox: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
            "Fixtures/librivox.nbest.jsonl"
        ).path
    }

    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent(
            "recording-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
