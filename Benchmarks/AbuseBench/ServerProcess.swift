import Foundation
import Synchronization

/// The `lora-rescorer` child the benchmark measures: started on port 0, stopped with SIGTERM.
final class ServerProcess: Sendable {
    /// `@unchecked Sendable` box: `Process` is only used through `isRunning`, `processIdentifier`
    /// and `waitUntilExit`, which Foundation makes safe from any thread.
    private struct Child: @unchecked Sendable { let process: Process }

    private let child: Child
    let port: Int
    var pid: Int32 { child.process.processIdentifier }

    /// Starts the server and waits (reading its stdout) for `lora-rescorer listening on H:P`.
    init(executable: URL, arguments: [String]) throws {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.standardError
        try process.run()
        child = Child(process: process)
        // Blocking reads on this thread are fine: nothing else runs until the server is up.
        var text = ""
        var found: Int?
        while found == nil {
            let data = output.fileHandleForReading.availableData
            if data.isEmpty {
                throw BenchError(
                    "lora-rescorer exited before listening (status \(process.terminationStatus))")
            }
            text += String(decoding: data, as: UTF8.self)
            if let line = text.split(separator: "\n").first(where: { $0.contains("listening on ") }),
                let portText = line.split(separator: ":").last
            {
                found = Int(portText)
            }
        }
        port = found ?? 0
    }

    /// SIGTERM, then wait for the drain; returns the exit status.
    func stop() -> Int32 {
        if child.process.isRunning { child.process.terminate() }
        child.process.waitUntilExit()
        return child.process.terminationStatus
    }
}
