public import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A long-running process a test starts (a server, a simulator): stdout and stderr collected as
/// they arrive, waits that resume on facts (a line printed, the process gone) rather than on
/// time, and a guaranteed stop (`stop()` in a `defer`, and again when the value is released).
///
/// The run-to-completion counterpart, which also feeds stdin, is `ChildProcess`.
///
/// `@unchecked Sendable`: `process` is only touched through `Process`'s own thread-safe
/// `isRunning`/`terminate`/`processIdentifier`; every mutable field is inside `state`'s Mutex.
public final class RunningProcess: @unchecked Sendable {
    /// How the process ended and everything it wrote.
    public struct Exit: Sendable {
        public var reason: Process.TerminationReason
        public var status: Int32
        public var stdout: String
        public var stderr: String

        /// The non-empty lines of stderr.
        public var stderrLines: [Substring] { stderr.split(whereSeparator: \.isNewline) }
    }

    private struct State {
        var stdout = Data()
        var stderr = Data()
        var openPipes = 2
        var exit: (Process.TerminationReason, Int32)?
        var lineWaiters: [Int: (needle: String, continuation: CheckedContinuation<String, any Error>)] = [:]
        var exitWaiters: [Int: CheckedContinuation<Exit, any Error>] = [:]
        var nextWaiter = 0

        var finished: Exit? {
            guard let exit, openPipes == 0 else { return nil }
            return Exit(
                reason: exit.0, status: exit.1, stdout: String(decoding: stdout, as: UTF8.self),
                stderr: String(decoding: stderr, as: UTF8.self))
        }
    }

    public let executable: URL
    public let arguments: [String]
    private let process = Process()
    private let state = Mutex(State())

    /// Starts `executable` with `arguments`, in `directory` when given.
    public init(_ executable: URL, _ arguments: [String], directory: URL? = nil) throws {
        self.executable = executable
        self.arguments = arguments
        process.executableURL = executable
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        process.standardInput = FileHandle.nullDevice
        process.terminationHandler = { [weak self] process in
            self?.exited(process.terminationReason, process.terminationStatus)
        }
        try process.run()
        // One blocking reader thread per pipe, until end of file: `FileHandle.readabilityHandler`
        // sometimes never reported the end of a pipe on a loaded machine, so a process that had
        // exited looked alive to `exit()` for minutes.
        for (pipe, isStdout) in [(stdout, true), (stderr, false)] {
            let handle = pipe.fileHandleForReading
            let thread = Thread { [weak self] in
                while true {
                    let data = Self.readChunk(handle.fileDescriptor)
                    self?.received(data, isStdout: isStdout)
                    if data.isEmpty { break }
                }
                try? handle.close()
            }
            thread.name = "\(executable.lastPathComponent)-\(isStdout ? "stdout" : "stderr")"
            thread.start()
        }
    }

    deinit { stop() }

    /// Starts a server that prints `<listeningLine>HOST:PORT` once bound (`--port 0`) and waits
    /// for that line; returns the process and its port. The process is stopped if the line never
    /// comes.
    public static func startServer(
        _ executable: URL, _ arguments: [String], listeningLine: String, directory: URL? = nil
    ) async throws -> (RunningProcess, Int) {
        let child = try RunningProcess(executable, arguments, directory: directory)
        do {
            let line = try await child.line(containing: listeningLine)
            guard let port = line.split(separator: ":").last.flatMap({ Int($0) }) else {
                throw TestFailure("no port in '\(line)'")
            }
            return (child, port)
        } catch {
            child.stop()
            throw error
        }
    }

    /// Runs a short command (a probe, a bad invocation) to its end, also stopping it on failure.
    public static func run(_ executable: URL, _ arguments: [String], directory: URL? = nil) async throws
        -> Exit
    {
        let child = try RunningProcess(executable, arguments, directory: directory)
        defer { child.stop() }
        return try await child.exit()
    }

    public var processIdentifier: Int32 { process.processIdentifier }

    /// Waits until stdout holds a line containing `needle` and returns that line.
    ///
    /// - Throws: `TestFailure` when the process ends first or `timeout` (a safety net) passes.
    public func line(containing needle: String, timeout: Duration = .seconds(120)) async throws -> String {
        let id = state.withLock { state in
            defer { state.nextWaiter += 1 }
            return state.nextWaiter
        }
        return try await withTimeout(timeout, "a stdout line containing '\(needle)'") {
            try await withTaskCancellationHandler {
                try await withCheckedThrowingContinuation { continuation in
                    self.state.withLock { state in
                        if let line = Self.line(in: state.stdout, containing: needle) {
                            continuation.resume(returning: line)
                        } else if let finished = state.finished {
                            continuation.resume(throwing: TestFailure("exited first: \(finished)"))
                        } else {
                            state.lineWaiters[id] = (needle, continuation)
                        }
                    }
                }
            } onCancel: {
                self.state.withLock { $0.lineWaiters.removeValue(forKey: id) }?.continuation.resume(
                    throwing: CancellationError())
            }
        }
    }

    /// Waits until the process has exited and closed its output.
    public func exit(timeout: Duration = .seconds(120)) async throws -> Exit {
        let id = state.withLock { state in
            defer { state.nextWaiter += 1 }
            return state.nextWaiter
        }
        return try await withTimeout(timeout, "the exit of \(executable.lastPathComponent)") {
            try await withTaskCancellationHandler {
                try await withCheckedThrowingContinuation { continuation in
                    self.state.withLock { state in
                        if let finished = state.finished {
                            continuation.resume(returning: finished)
                        } else {
                            state.exitWaiters[id] = continuation
                        }
                    }
                }
            } onCancel: {
                self.state.withLock { $0.exitWaiters.removeValue(forKey: id) }?.resume(
                    throwing: CancellationError())
            }
        }
    }

    /// Runs `body` (a wait for something this process should cause: a call it makes, a record it
    /// sends) and fails at once, with everything the process printed, if the process ends first;
    /// `timeout` is the safety net for a process that neither acts nor ends.
    public func whileRunning<T: Sendable>(
        _ what: String, timeout: Duration = .seconds(300), _ body: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        try await withTimeout(timeout, what) {
            try await race(body) {
                let exit = try await self.exit(timeout: timeout)
                throw TestFailure(
                    "\(self.executable.lastPathComponent) ended (\(exit.reason) \(exit.status)) before \(what)"
                        + "\nstdout: \(exit.stdout)\nstderr: \(exit.stderr)")
            }
        }
    }

    /// Sends `signal` (e.g. SIGTERM) if the process still runs.
    public func send(_ signal: Int32) {
        if process.isRunning { kill(process.processIdentifier, signal) }
    }

    /// Kills the process if it still runs; every test calls this on the way out, also on failure.
    public func stop() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    private func received(_ data: Data, isStdout: Bool) {
        state.withLock { state in
            if data.isEmpty {
                state.openPipes -= 1
            } else if isStdout {
                state.stdout.append(data)
            } else {
                state.stderr.append(data)
            }
            resumeWaiters(&state)
        }
    }

    private func exited(_ reason: Process.TerminationReason, _ status: Int32) {
        state.withLock { state in
            state.exit = (reason, status)
            resumeWaiters(&state)
        }
    }

    private func resumeWaiters(_ state: inout State) {
        for (id, waiter) in state.lineWaiters {
            if let line = Self.line(in: state.stdout, containing: waiter.needle) {
                state.lineWaiters[id] = nil
                waiter.continuation.resume(returning: line)
            }
        }
        guard let finished = state.finished else { return }
        for (_, waiter) in state.lineWaiters {
            waiter.continuation.resume(throwing: TestFailure("exited first: \(finished)"))
        }
        state.lineWaiters = [:]
        for (_, waiter) in state.exitWaiters { waiter.resume(returning: finished) }
        state.exitWaiters = [:]
    }

    /// The next bytes of `descriptor`, or empty data at end of file (or on a read error).
    private static func readChunk(_ descriptor: Int32) -> Data {
        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count > 0 { return Data(buffer[0..<count]) }
            if count < 0 && errno == EINTR { continue }
            return Data()
        }
    }

    private static func line(in data: Data, containing needle: String) -> String? {
        String(decoding: data, as: UTF8.self).split(separator: "\n").first { $0.contains(needle) }.map(
            String.init)
    }
}
