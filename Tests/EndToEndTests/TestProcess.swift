import Foundation
import Synchronization

// A copy of Tests/RescorerServiceTests/ChildProcess.swift (plus a working directory) under
// another name: Tests/Support already has an enum ChildProcess; the lead may merge the two.

/// A process a test starts: stdout and stderr collected as they arrive, waits that resume on
/// facts (a line printed, the process gone) rather than on time, and a guaranteed stop.
///
/// `@unchecked Sendable`: `process` is only touched through `Process`'s own thread-safe
/// `isRunning`/`terminate`/`processIdentifier`; every mutable field is inside `state`'s Mutex.
final class TestProcess: @unchecked Sendable {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// How the process ended and everything it wrote.
    struct Exit: Sendable {
        var reason: Process.TerminationReason
        var status: Int32
        var stdout: String
        var stderr: String

        /// The non-empty lines of stderr.
        var stderrLines: [Substring] { stderr.split(whereSeparator: \.isNewline) }
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

    let executable: URL
    let arguments: [String]
    private let process = Process()
    private let state = Mutex(State())

    /// Starts `executable` with `arguments`, in `directory` when given.
    init(_ executable: URL, _ arguments: [String], directory: URL? = nil) throws {
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
        for (pipe, isStdout) in [(stdout, true), (stderr, false)] {
            pipe.fileHandleForReading.readabilityHandler = { [weak self] handle in
                let data = handle.availableData
                if data.isEmpty { handle.readabilityHandler = nil }
                self?.received(data, isStdout: isStdout)
            }
        }
        process.terminationHandler = { [weak self] process in
            self?.exited(process.terminationReason, process.terminationStatus)
        }
        try process.run()
    }

    var processIdentifier: Int32 { process.processIdentifier }

    /// Waits until stdout holds a line containing `needle` and returns that line.
    ///
    /// - Throws: `Failure` when the process ends first or `timeout` (a safety net) passes.
    func line(containing needle: String, timeout: Duration = .seconds(120)) async throws -> String {
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
                            continuation.resume(throwing: Failure(description: "exited first: \(finished)"))
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
    func exit(timeout: Duration = .seconds(120)) async throws -> Exit {
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

    /// Sends `signal` (e.g. SIGTERM) if the process still runs.
    func send(_ signal: Int32) {
        if process.isRunning { kill(process.processIdentifier, signal) }
    }

    /// Kills the process if it still runs; every test calls this on the way out, also on failure.
    func stop() {
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
            waiter.continuation.resume(throwing: Failure(description: "exited first: \(finished)"))
        }
        state.lineWaiters = [:]
        for (_, waiter) in state.exitWaiters { waiter.resume(returning: finished) }
        state.exitWaiters = [:]
    }

    private static func line(in data: Data, containing needle: String) -> String? {
        String(decoding: data, as: UTF8.self).split(separator: "\n").first { $0.contains(needle) }.map(
            String.init)
    }
}

/// Runs `body`, failing with a message naming `what` if it has not finished after `timeout`.
///
/// The timeout is a safety net against a hung child, never the way a test waits for a fact.
func withTimeout<T: Sendable>(
    _ timeout: Duration, _ what: String, _ body: @escaping @Sendable () async throws -> T
) async throws -> T {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: timeout)
            return nil
        }
        defer { group.cancelAll() }
        guard let first = try await group.next(), let value = first else {
            throw TestProcess.Failure(description: "timed out after \(timeout) waiting for \(what)")
        }
        return value
    }
}
