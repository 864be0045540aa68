import Foundation
import Synchronization

/// The `lora-rescorer` child the benchmark measures: started on port 0, stopped with SIGTERM.
final class ServerProcess: Sendable {
    /// `@unchecked Sendable` box: `Process` is only used through `isRunning`, `processIdentifier`
    /// and `waitUntilExit`, which Foundation makes safe from any thread.
    private struct Child: @unchecked Sendable { let process: Process }

    /// Signalled by the termination handler, so `stop` can wait for the exit with a limit.
    private let exited: DispatchSemaphore

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
        let exited = DispatchSemaphore(value: 0)
        self.exited = exited
        process.terminationHandler = { _ in exited.signal() }
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

    /// SIGTERM, then wait for the drain (at most `grace` plus 5 s, then SIGKILL); returns the
    /// exit status, or nil when the server had to be killed.
    func stop(grace: Duration = .seconds(10)) -> Int32? {
        let process = child.process
        if process.isRunning { process.terminate() }
        let seconds = Double(grace.components.seconds) + 5
        guard exited.wait(timeout: .now() + seconds) == .success else {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            return nil
        }
        return process.terminationStatus
    }
}
