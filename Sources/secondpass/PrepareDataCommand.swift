import ArgumentParser
import Foundation

/// `secondpass prepare-data`: extracts, normalises and splits the corpora into `Data/`.
///
/// Runs `Scripts/prepare-data` (Python tooling; see Docs/data.md) so that the CLI and the script
/// are one implementation. The script is resumable, so running this again is cheap.
struct PrepareDataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prepare-data",
        abstract: "Extract, normalise and split the corpora into Data/ (see Docs/data.md).")

    @Option(help: "The SecondPass checkout holding Scripts/prepare-data.")
    var root: String = FileManager.default.currentDirectoryPath

    @Option(help: "Output folder (default: <root>/Data).")
    var data: String?

    @Flag(help: "Redo every step even when its outputs are current.")
    var force = false

    func run() throws {
        let script = URL(fileURLWithPath: root).appendingPathComponent("Scripts/prepare-data")
        guard FileManager.default.isExecutableFile(atPath: script.path) else {
            throw ValidationError("no executable \(script.path); pass --root <SecondPass checkout>")
        }
        let process = Process()
        process.executableURL = script
        process.arguments = force ? ["--force"] : []
        var environment = ProcessInfo.processInfo.environment
        if let data {
            environment["SECONDPASS_DATA"] = URL(fileURLWithPath: data).path
        }
        process.environment = environment
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ExitCode(process.terminationStatus)
        }
    }
}
