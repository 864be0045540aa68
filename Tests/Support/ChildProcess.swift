public import Foundation
import Synchronization

/// Runs a program to its end from a test and collects what it printed.
///
/// The one way tests start a child (the Python peers, the `secondpass` binary): stdin is fed and
/// stderr drained on their own threads so no pipe can fill up and block the child, and the
/// caller learns the facts (exit status, both outputs) only once the child has ended.
public enum ChildProcess {
    /// A finished child.
    public struct Result: Sendable {
        public let status: Int32
        public let standardOutput: Data
        public let standardError: Data

        public var outputText: String { String(decoding: standardOutput, as: UTF8.self) }
        public var errorText: String { String(decoding: standardError, as: UTF8.self) }
    }

    /// Runs `executable` with `arguments`, feeding `input` on stdin, and waits for it to end.
    ///
    /// Blocks the calling thread: use `run(...) async` from tests whose servers run on the
    /// cooperative pool.
    public static func runBlocking(
        _ executable: URL, arguments: [String], input: Data = Data(), environment: [String: String]? = nil,
        currentDirectory: URL? = nil
    ) throws -> Result {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let environment { process.environment = environment }
        if let currentDirectory { process.currentDirectoryURL = currentDirectory }
        let stdin = Pipe()
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        let writer = Thread {
            stdin.fileHandleForWriting.write(input)
            try? stdin.fileHandleForWriting.close()
        }
        writer.start()
        let errors = Collected()
        let errorReader = Thread { errors.finish(stderr.fileHandleForReading.readDataToEndOfFile()) }
        errorReader.start()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, standardOutput: output, standardError: errors.wait())
    }

    /// `runBlocking` on a dedicated thread, never on the test's cooperative thread, so in-process
    /// servers keep running while the child talks to them.
    public static func run(
        _ executable: URL, arguments: [String], input: Data = Data(), environment: [String: String]? = nil,
        currentDirectory: URL? = nil
    ) async throws -> Result {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                continuation.resume(
                    with: Swift.Result {
                        try runBlocking(
                            executable, arguments: arguments, input: input, environment: environment,
                            currentDirectory: currentDirectory)
                    })
            }
            thread.start()
        }
    }
}

/// Output read by another thread; `wait()` returns once the reader has seen end of file.
private final class Collected: Sendable {
    private let data = Mutex<Data?>(nil)
    private let done = DispatchSemaphore(value: 0)

    func finish(_ value: Data) {
        data.withLock { $0 = value }
        done.signal()
    }

    func wait() -> Data {
        done.wait()
        return data.withLock { $0 } ?? Data()
    }
}
