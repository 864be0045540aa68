import Foundation
import SecondPassTestSupport
import Synchronization

/// A Python interop server (grpcio's `Tests/Interop/interop_server.py` or grpclib's
/// `grpclib_server.py`) as a child process of a test.
///
/// Started with `with(_:)`, which always stops it: it closes the child's stdin (the server's
/// signal to stop), waits for it to exit, and escalates to SIGTERM and SIGKILL if it lingers.
/// Every wait is for a fact (a line printed, the process ending), with a generous timeout as a
/// safety net.
final class PythonInteropServer: Sendable, InteropServerEvents {
    /// Lines the server printed, in order, filled by a reader thread.
    private let output: EventLog
    /// Gets the entry "exited" when the child ends.
    private let lifecycle: EventLog
    let port: Int
    private let process: Process
    private let stdin: FileHandle

    private init(process: Process, stdin: FileHandle, port: Int, output: EventLog, lifecycle: EventLog) {
        self.process = process
        self.stdin = stdin
        self.port = port
        self.output = output
        self.lifecycle = lifecycle
    }

    /// The `EVENT …` lines so far, without the prefix.
    var events: [String] {
        output.entries.filter { $0.hasPrefix("EVENT ") }.map { String($0.dropFirst(6)) }
    }

    func count(of event: String) -> Int { output.count(of: "EVENT " + event) }

    /// Waits until the server reported `event` at least `count` times.
    func waitForEvent(_ event: String, count: Int = 1, timeout: Duration = .seconds(60)) async -> Bool {
        await output.wait(for: "EVENT " + event, count: count, timeout: timeout)
    }

    /// Runs `script` (a server of Tests/Interop: grpcio's `interop_server.py` or grpclib's
    /// `grpclib_server.py`) named `name` for the duration of `body`.
    static func with<Result>(
        script: String = "interop_server.py", name: String = "python", arguments: [String] = [],
        _ body: (PythonInteropServer) async throws -> Result
    ) async throws -> Result {
        let process = Process()
        process.executableURL = PythonPeer.python
        process.arguments =
            [
                PythonPeer.packageRoot.appendingPathComponent("Tests/Interop/\(script)").path,
                "--proto-dir", PythonPeer.protoDirectory, "--name", name,
            ] + arguments
        let stdin = Pipe()
        let stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = FileHandle.standardError
        let lifecycle = EventLog()
        process.terminationHandler = { _ in lifecycle.append("exited") }
        try process.run()
        let output = EventLog()
        readLines(from: stdout.fileHandleForReading, into: output)
        let printedPort = await output.wait(timeout: .seconds(60)) { $0.contains { $0.hasPrefix("PORT ") } }
        guard printedPort, let line = output.entries.first(where: { $0.hasPrefix("PORT ") }),
            let port = Int(line.dropFirst(5))
        else {
            await terminate(process, lifecycle: lifecycle)
            throw PythonPeer.Failure(description: "\(script) did not print its port")
        }
        let server = PythonInteropServer(
            process: process, stdin: stdin.fileHandleForWriting, port: port, output: output,
            lifecycle: lifecycle)
        do {
            let result = try await body(server)
            await server.stop()
            return result
        } catch {
            await server.stop()
            throw error
        }
    }

    private func stop() async {
        try? stdin.close()
        if await !lifecycle.wait(for: "exited", timeout: .seconds(10)) {
            await Self.terminate(process, lifecycle: lifecycle)
        }
    }

    private static func terminate(_ process: Process, lifecycle: EventLog) async {
        guard process.isRunning else { return }
        process.terminate()
        if await !lifecycle.wait(for: "exited", timeout: .seconds(2)) {
            kill(process.processIdentifier, SIGKILL)
            _ = await lifecycle.wait(for: "exited", timeout: .seconds(10))
        }
    }

    /// Reads a child's stdout line by line on a dedicated thread into `log`, ending it at EOF.
    private static func readLines(from handle: FileHandle, into log: EventLog) {
        let thread = Thread {
            var buffer = Data()
            while true {
                let chunk = handle.availableData
                if chunk.isEmpty { break }
                buffer.append(chunk)
                while let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                    log.append(String(decoding: buffer[buffer.startIndex..<newline], as: UTF8.self))
                    buffer.removeSubrange(buffer.startIndex...newline)
                }
            }
            log.end()
        }
        thread.start()
    }
}
