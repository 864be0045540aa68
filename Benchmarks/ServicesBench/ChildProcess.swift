import Foundation

/// One server executable the benchmark starts (`lora-rescorer`, `metrics-aggregator`): on port
/// 0, read its port from the one `… listening on HOST:PORT` line, stopped with SIGTERM.
final class ChildProcess: Sendable {
    /// `@unchecked Sendable` box: `Process` is only used through `isRunning`, `processIdentifier`
    /// and `waitUntilExit`, which Foundation makes safe from any thread.
    private struct Child: @unchecked Sendable { let process: Process }

    /// Signalled by the termination handler, so `stop` can wait for the exit with a limit.
    private let exited: DispatchSemaphore
    private let child: Child
    let name: String
    let port: Int

    /// Starts `executable` and waits (reading its stdout) for its listening line.
    init(executable: URL, arguments: [String]) throws {
        name = executable.lastPathComponent
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.standardError
        let exited = DispatchSemaphore(value: 0)
        self.exited = exited
        process.terminationHandler = { _ in exited.signal() }
        do {
            try process.run()
        } catch {
            throw BenchError("cannot start \(executable.path): \(error)")
        }
        child = Child(process: process)
        // Blocking reads are fine: nothing else runs until the server is up. The loop ends at
        // the listening line or at EOF (the child exited).
        var text = ""
        var found: Int?
        while found == nil {
            let data = output.fileHandleForReading.availableData
            if data.isEmpty {
                process.waitUntilExit()
                throw BenchError(
                    "\(executable.lastPathComponent) exited before listening (status \(process.terminationStatus))"
                )
            }
            text += String(decoding: data, as: UTF8.self)
            if let line = text.split(separator: "\n").first(where: { $0.contains(" listening on ") }),
                let portText = line.split(separator: ":").last
            {
                found = Int(portText.trimmingCharacters(in: .whitespaces))
            }
        }
        port = found ?? 0
    }

    /// SIGTERM, then wait for the drain (at most 15 s, then SIGKILL).
    func stop() {
        let process = child.process
        if process.isRunning { process.terminate() }
        if exited.wait(timeout: .now() + 15) != .success {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }
}

/// Runs `body` with the children `start` returns, stopping every one of them afterwards (also
/// when `body` or a later start throws).
func withChildren<Result>(
    _ starts: [() throws -> ChildProcess], _ body: ([ChildProcess]) async throws -> Result
) async throws -> Result {
    var children: [ChildProcess] = []
    defer { for child in children.reversed() { child.stop() } }
    for start in starts { children.append(try start()) }
    return try await body(children)
}

/// A precise benchmark failure (one line on stderr, exit status 1).
struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
