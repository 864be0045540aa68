import Foundation
import SecondPassTestSupport
import Testing

/// `secondpass study` as a user runs it: a bad filter is one error line, before any slow work.
@Suite struct StudyCommandTests {
    @Test func aCellPatternMatchingNothingIsOneErrorLine() async throws {
        let binary = BuiltProducts.secondpass
        try #require(
            FileManager.default.isExecutableFile(atPath: binary.path), "build with swift build --build-tests")
        let folder = try StudyFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try await ChildProcess.run(
            binary, arguments: ["study", "--output", folder.path, "--cells", "austen-real/lora-r7"],
            currentDirectory: PythonPeer.packageRoot)
        #expect(result.status != 0)
        let lines = result.errorText.split(separator: "\n")
        #expect(lines.count == 1, "\(result.errorText)")
        #expect(result.errorText.contains("--cells 'austen-real/lora-r7' matches no cell"))
        // Nothing was prepared or written.
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
    }
}
