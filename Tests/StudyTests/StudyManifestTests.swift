import Foundation
import Study
import Testing

/// A study folder refuses to continue with other inputs or settings.
@Suite struct StudyManifestTests {
    @Test func aChangedInputIsAnErrorNamingItsRole() throws {
        let folder = try StudyFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let text = folder.appendingPathComponent("train.txt")
        try Data("one two three\n".utf8).write(to: text)
        var domain = StudyFixtures.domain
        domain.trainText = text
        let inputs = StudyFixtures.inputs(domain: domain)
        let study = StudyFolder(root: folder.appendingPathComponent("study"))
        try study.open(with: try StudyManifest(inputs: inputs, settings: StudyFixtures.settings))
        // The same inputs and settings: the folder is continued.
        try study.open(with: try StudyManifest(inputs: inputs, settings: StudyFixtures.settings))

        try Data("one two four\n".utf8).write(to: text)
        let error = try #require(throws: StudyError.self) {
            try study.open(with: try StudyManifest(inputs: inputs, settings: StudyFixtures.settings))
        }
        #expect(error.code == .manifestMismatch)
        #expect(error.message.contains("tiny/train-text changed"), "\(error.message)")
        #expect(!error.message.contains("\n"))
    }

    @Test func otherSettingsAreAnErrorToo() throws {
        let folder = try StudyFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let study = StudyFolder(root: folder)
        let inputs = StudyFixtures.inputs()
        try study.open(with: try StudyManifest(inputs: inputs, settings: StudyFixtures.settings))
        var other = StudyFixtures.settings
        other.steps += 1
        let error = try #require(throws: StudyError.self) {
            try study.open(with: try StudyManifest(inputs: inputs, settings: other))
        }
        #expect(error.code == .manifestMismatch)
        #expect(error.message.contains("settings differ"), "\(error.message)")
    }

    @Test func aMissingInputIsAnInputError() throws {
        var domain = StudyFixtures.domain
        domain.testLists = URL(fileURLWithPath: "/nonexistent/test.jsonl")
        let error = try #require(throws: StudyError.self) {
            try StudyManifest(inputs: StudyFixtures.inputs(domain: domain), settings: StudyFixtures.settings)
        }
        #expect(error.code == .invalidInput)
        #expect(error.message.contains("tiny/test-lists"))
    }
}
