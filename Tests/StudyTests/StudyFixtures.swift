import Foundation
import SecondPassTestSupport
import Study

/// Tiny study inputs: the shipped base model, the CLI's three hand-made lists as dev, the five
/// real LibriVox decoder lists as test, the CLI's six-line corpus as training text and word counts.
enum StudyFixtures {
    static var root: URL { PythonPeer.packageRoot }

    static func file(_ path: String) -> URL { root.appendingPathComponent(path) }

    static var domain: DomainInputs {
        DomainInputs(
            domain: StudyDomain(name: "tiny", label: "fixtures: hand-made dev, real LibriVox test"),
            devLists: file("Tests/CLITests/Fixtures/nbest.jsonl"),
            testLists: file("Tests/RecordingTests/Fixtures/librivox.nbest.jsonl"),
            trainText: file("Tests/CLITests/Fixtures/corpus.txt"))
    }

    static func inputs(domain: DomainInputs = domain) -> StudyInputs {
        StudyInputs(
            baseModel: file("Models/base"), domains: [domain],
            lexicon: URL(fileURLWithPath: "/usr/share/pocketsphinx/model/en-us/cmudict-en-us.dict"),
            wordCounts: [file("Tests/CLITests/Fixtures/corpus.txt")])
    }

    /// Few steps, every step evaluated and checkpointed, a small bootstrap, a one-point sweep.
    static let settings = StudySettings(
        steps: 3, batchSize: 2, evaluateEvery: 1, checkpointEvery: 1, nBestRates: [0.3],
        bootstrap: .init(resamples: 50))

    static func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent(
            "secondpass-study-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
