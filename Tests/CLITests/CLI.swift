import Foundation
import SecondPassTestSupport
import Testing

/// Runs the built `secondpass` binary from the package root, as a user would.
enum CLI {
    static var fixtures: URL { PythonPeer.packageRoot.appendingPathComponent("Tests/CLITests/Fixtures") }

    static func fixture(_ name: String) -> String { fixtures.appendingPathComponent(name).path }

    /// Runs `secondpass arguments…` to its end.
    static func run(_ arguments: [String]) async throws -> ChildProcess.Result {
        let binary = BuiltProducts.secondpass
        try #require(
            FileManager.default.isExecutableFile(atPath: binary.path),
            "no secondpass binary at \(binary.path): build with swift build --build-tests")
        return try await ChildProcess.run(
            binary, arguments: arguments, currentDirectory: PythonPeer.packageRoot)
    }

    /// The lines a failed run printed on standard error.
    static func errorLines(_ result: ChildProcess.Result) -> [Substring] {
        result.errorText.split(separator: "\n")
    }

    /// The number after `name ` in a command's summary line (`token perplexity 12.34`).
    static func figure(named name: String, in output: String) -> Double? {
        guard let range = output.range(of: name + " ") else { return nil }
        return Double(output[range.upperBound...].prefix { $0.isNumber || $0 == "." })
    }

    /// A fresh temporary folder, removed by the caller.
    static func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent(
            "secondpass-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
