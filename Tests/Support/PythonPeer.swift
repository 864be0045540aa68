import Foundation
import Synchronization

/// Runs the project's Python test peers (the venv's interpreter) from tests.
///
/// Python holds the independent implementations we check against: grpcio and protobuf, PyTorch,
/// transformers and PEFT, tokenizers, jiwer. The venv is `$SECONDPASS_VENV`, else
/// `<package root>/.venv`, as Scripts/bootstrap sets it up. Shared by every test target so there
/// is one way to find and run Python.
public enum PythonPeer {
    /// The folder holding Package.swift, found by walking up from this file.
    public static let packageRoot: URL = {
        var url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while url.path != "/" {
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
                return url
            }
            url = url.deletingLastPathComponent()
        }
        fatalError("Package.swift not found above \(#filePath)")
    }()

    public static var python: URL {
        if let venv = ProcessInfo.processInfo.environment["SECONDPASS_VENV"], !venv.isEmpty {
            return URL(fileURLWithPath: venv).appendingPathComponent("bin/python")
        }
        return packageRoot.appendingPathComponent(".venv/bin/python")
    }

    public static var protoDirectory: String { packageRoot.appendingPathComponent("Protos").path }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String

        public init(description: String) {
            self.description = description
        }
    }

    /// Runs the reference script at `path` (relative to the package root) with Hugging Face
    /// offline settings, discarding stdout; throws `Failure` with the tail of stderr on failure.
    ///
    /// The parity tests exchange data through files, so only the exit status and errors matter.
    public static func runReference(script path: String, arguments: [String]) throws {
        let process = Process()
        process.executableURL = python
        process.arguments = [packageRoot.appendingPathComponent(path).path] + arguments
        var environment = ProcessInfo.processInfo.environment
        environment["HF_HUB_OFFLINE"] = "1"
        environment["TRANSFORMERS_OFFLINE"] = "1"
        environment["TOKENIZERS_PARALLELISM"] = "false"
        process.environment = environment
        let errorPipe = Pipe()
        process.standardError = errorPipe
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let errorData = errorPipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        if process.terminationStatus != 0 {
            throw Failure(
                description: "python \(path) \(arguments.first ?? "") failed (\(process.terminationStatus)): "
                    + String(decoding: errorData.suffix(2000), as: UTF8.self))
        }
    }

    /// Runs `<folder>/<script> arguments…` (folder relative to the package root) with `input` on
    /// stdin and returns its stdout.
    ///
    /// The child is waited for on a dedicated thread, never on the test's cooperative thread,
    /// so in-process servers keep running while Python talks to them.
    public static func run(
        script: String, in folder: String = "Tests/Interop", arguments: [String] = [], input: Data = Data()
    ) async throws -> Data {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                continuation.resume(
                    with: Result {
                        try runBlocking(script: "\(folder)/\(script)", arguments: arguments, input: input)
                    })
            }
            thread.start()
        }
    }

    private static func runBlocking(script: String, arguments: [String], input: Data) throws -> Data {
        let process = Process()
        process.executableURL = python
        process.arguments = [packageRoot.appendingPathComponent(script).path] + arguments
        let stdin = Pipe()
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        // Feed stdin and drain stderr on their own threads so no pipe can fill up and block.
        let writer = Thread {
            stdin.fileHandleForWriting.write(input)
            try? stdin.fileHandleForWriting.close()
        }
        writer.start()
        let errors = ErrorOutput()
        let errorReader = Thread { errors.set(stderr.fileHandleForReading.readDataToEndOfFile()) }
        errorReader.start()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure(
                description: "\(script) exited with \(process.terminationStatus): "
                    + String(decoding: errors.waitForData(), as: UTF8.self))
        }
        return output
    }
}

/// The stderr of a child, filled by a reader thread.
private final class ErrorOutput: Sendable {
    private let data = Mutex<Data?>(nil)

    func set(_ value: Data) {
        data.withLock { $0 = value }
    }

    /// The output once the reader has finished (it ends when the child closes stderr).
    func waitForData() -> Data {
        for _ in 0..<500 {
            if let value = data.withLock({ $0 }) { return value }
            Thread.sleep(forTimeInterval: 0.01)
        }
        return Data("<stderr not available>".utf8)
    }
}
