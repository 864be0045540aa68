import Foundation
import SecondPassTestSupport

/// Locates and reads the prepared corpora in `Data/` for the split-integrity tests.
///
/// `Data/` is produced by `Scripts/prepare-data` and is never committed, so every test that needs it
/// is enabled only when it exists (`PreparedData.isAvailable`).
enum PreparedData {
    /// The package root: the nearest folder above this file that holds `Package.swift`.
    static var packageRoot: URL { PythonPeer.packageRoot }

    /// The prepared data folder: `$SECONDPASS_DATA` when set, else `<package root>/Data`.
    static let folder: URL = {
        if let override = ProcessInfo.processInfo.environment["SECONDPASS_DATA"], !override.isEmpty {
            return URL(fileURLWithPath: override)
        }
        return packageRoot.appendingPathComponent("Data")
    }()

    /// True when `Scripts/prepare-data` has finished (it writes `PROVENANCE.json` last).
    static var isAvailable: Bool {
        FileManager.default.fileExists(atPath: folder.appendingPathComponent("PROVENANCE.json").path)
    }

    /// Files that training, tuning or vocabulary building may read.
    static let trainingFiles = [
        "general/train.txt", "general/valid.txt", "general/valid-added.txt", "austen/train.txt",
        "austen/dev.txt",
        "conversation/train.txt", "conversation/dev.txt",
    ]

    /// Files holding reserved test sentences.
    static let testFiles = [
        "austen/test.txt", "austen/test/emma.txt", "austen/test/mansfieldpark.txt",
        "austen/test/northangerabbey.txt", "austen/test/persuasion.txt", "austen/test/prideprejudice.txt",
        "austen/test/sensesensibility.txt", "conversation/test.txt",
    ]

    /// The lines of a prepared file (one sentence per line).
    static func lines(_ relativePath: String) throws -> [String] {
        let text = try String(contentsOf: folder.appendingPathComponent(relativePath), encoding: .utf8)
        return text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
    }
}
