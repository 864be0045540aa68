public import Foundation

/// Executables SwiftPM built beside the test bundle, for tests that run them as processes.
public enum BuiltProducts {
    /// The build folder holding the test bundle (`.build/<triple>/debug`), where SwiftPM also
    /// puts the package's executables.
    public static var folder: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
    }

    /// The `secondpass` binary (built by `swift build --build-tests`: test targets depend on it).
    public static var secondpass: URL { folder.appendingPathComponent("secondpass") }

    /// The package's executable `name`: beside the test bundle, else in `.build/debug`.
    ///
    /// - Throws: `TestFailure` naming where it looked, so a missing build step is obvious.
    public static func executable(_ name: String) throws -> URL {
        let candidates = [folder, PythonPeer.packageRoot.appendingPathComponent(".build/debug")].map {
            $0.appendingPathComponent(name)
        }
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) })
        else {
            throw TestFailure("no \(name) in \(candidates.map(\.path)); run swift build --build-tests")
        }
        return found
    }
}
