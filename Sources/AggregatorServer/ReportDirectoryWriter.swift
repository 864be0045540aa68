import Foundation
import Logging
import MetricsAggregation
import ServiceLifecycle

/// Keeps `<dir>/<run>.json`, `.md`, `.svg` and `.detail.md` (`MarkdownReportRenderer`'s tables)
/// current: rewritten at start, after each change, and once more when the server has stopped
/// (so the folder holds every record the server stored).
///
/// Files are written to a temporary name and renamed, so a reader never sees half a report.
/// Run IDs become file names with every character outside `[A-Za-z0-9._-]` replaced by `_`.
struct ReportDirectoryWriter: Service {
    let directory: String
    let service: AggregatorService
    let logger: Logger

    func run() async throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let changes = service.store.changes(run: nil)
        try await writeAll()
        for await _ in changes.cancelOnGracefulShutdown() {
            do {
                try await writeAll()
            } catch {
                logger.error(
                    "cannot write reports", metadata: ["directory": "\(directory)", "error": "\(error)"])
            }
        }
        // The drain may end the change stream before this service's turn to stop: wait for the
        // turn (the server, listed after this service, has stopped by then), then write last.
        try? await gracefulShutdown()
        try await writeAll()
    }

    private func writeAll() async throws {
        for run in try await service.store.runs() {
            let outcomes = try await service.store.outcomes(run: run)
            let report = try service.reports.report(outcomes, run: run)
            var files: [(String, String)] = try ReportFormat.allCases.map {
                ($0.fileExtension, try $0.render([report]))
            }
            files.append(("detail.md", try service.reports.detailedMarkdown(outcomes, run: run)))
            for (suffix, text) in files {
                try write(text, named: Self.fileName(run) + "." + suffix)
            }
        }
    }

    /// Writes to a temporary name and renames, so a reader never sees half a file.
    private func write(_ text: String, named name: String) throws {
        let final = URL(fileURLWithPath: directory).appendingPathComponent(name)
        let temporary = URL(fileURLWithPath: directory).appendingPathComponent(".\(name).tmp")
        try Data(text.utf8).write(to: temporary)
        guard rename(temporary.path, final.path) == 0 else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: final.path])
        }
    }

    static func fileName(_ run: String) -> String {
        String(
            run.map { $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) ? $0 : "_" })
    }
}
