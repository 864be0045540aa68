import Foundation
import SecondPassTestSupport
import Synchronization

/// The grpcio interop server (`Tests/Interop/interop_server.py`) as a child process of a test.
///
/// Started with `with(_:)`, which always stops it: it closes the child's stdin (the server's
/// signal to stop), waits, and escalates to SIGTERM and SIGKILL if it lingers.
final class PythonInteropServer: Sendable {
    /// Lines the server printed, in order, filled by a reader thread.
    private let lines = Mutex<[String]>([])
    private let finished = Mutex(false)
    let port: Int
    private let process: Process
    private let stdin: FileHandle

    private init(process: Process, stdin: FileHandle, port: Int) {
        self.process = process
        self.stdin = stdin
        self.port = port
    }

    /// The `EVENT …` lines so far, without the prefix.
    var events: [String] {
        lines.withLock { $0.filter { $0.hasPrefix("EVENT ") }.map { String($0.dropFirst(6)) } }
    }

    /// Waits (polling, generously) until the server reported `event` at least `count` times.
    func waitForEvent(_ event: String, count: Int = 1, timeout: Duration = .seconds(60)) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if events.filter({ $0 == event }).count >= count { return true }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return false
    }

    static func with<Result>(_ body: (PythonInteropServer) async throws -> Result) async throws -> Result {
        let process = Process()
        process.executableURL = PythonPeer.python
        process.arguments = [
            PythonPeer.packageRoot.appendingPathComponent("Tests/Interop/interop_server.py").path,
            "--proto-dir", PythonPeer.protoDirectory, "--name", "python",
        ]
        let stdin = Pipe()
        let stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = FileHandle.standardError
        try process.run()
        let reader = LineReader(handle: stdout.fileHandleForReading)
        let started = await reader.firstLine(startingWith: "PORT ", timeout: .seconds(60))
        guard let started, let port = Int(started.dropFirst(5)) else {
            terminate(process)
            throw PythonPeer.Failure(description: "interop_server.py did not print its port")
        }
        let server = PythonInteropServer(process: process, stdin: stdin.fileHandleForWriting, port: port)
        reader.forwardLines { line in server.lines.withLock { $0.append(line) } }
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
        let process = self.process
        let exited = await Self.waitForExit(process, timeout: .seconds(10))
        if !exited { Self.terminate(process) }
    }

    private static func waitForExit(_ process: Process, timeout: Duration) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        return !process.isRunning
    }

    private static func terminate(_ process: Process) {
        guard process.isRunning else { return }
        process.terminate()
        for _ in 0..<200 where process.isRunning { Thread.sleep(forTimeInterval: 0.01) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }
}

/// Reads a child's stdout line by line on a dedicated thread.
private final class LineReader: Sendable {
    private struct State {
        var lines: [String] = []
        var consumer: (@Sendable (String) -> Void)?
        var ended = false
    }

    private let state = Mutex(State())

    init(handle: FileHandle) {
        let thread = Thread { [self] in
            var buffer = Data()
            while true {
                let chunk = handle.availableData
                if chunk.isEmpty { break }
                buffer.append(chunk)
                while let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                    let line = String(decoding: buffer[buffer.startIndex..<newline], as: UTF8.self)
                    buffer.removeSubrange(buffer.startIndex...newline)
                    let consumer = self.state.withLock { state -> (@Sendable (String) -> Void)? in
                        if state.consumer == nil { state.lines.append(line) }
                        return state.consumer
                    }
                    consumer?(line)
                }
            }
            self.state.withLock { $0.ended = true }
        }
        thread.start()
    }

    /// Waits for the first line with `prefix`; `nil` on timeout or end of output.
    func firstLine(startingWith prefix: String, timeout: Duration) async -> String? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let (line, ended) = state.withLock { ($0.lines.first { $0.hasPrefix(prefix) }, $0.ended) }
            if let line { return line }
            if ended { return nil }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return nil
    }

    /// From now on, hands every line (buffered ones first) to `consumer`.
    func forwardLines(_ consumer: @escaping @Sendable (String) -> Void) {
        let buffered = state.withLock { state in
            defer {
                state.lines = []
                state.consumer = consumer
            }
            return state.lines
        }
        for line in buffered { consumer(line) }
    }
}
