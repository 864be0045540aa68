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
}
