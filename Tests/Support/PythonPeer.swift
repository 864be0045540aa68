public import Foundation

/// Runs the project's Python test peers (the venv's interpreter) from tests.
///
/// Python holds the independent implementations we check against: grpcio and protobuf, PyTorch,
/// transformers and PEFT, tokenizers, jiwer, NumPy. The venv is `$SECONDPASS_VENV`, else
/// `<package root>/.venv`, as Scripts/bootstrap sets it up. Shared by every test target so there
/// is one way to find and run Python; tests that need it carry the `.requiresPythonPeer` trait.
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

    /// The venv: `$SECONDPASS_VENV`, else `<package root>/.venv`.
    public static var venv: URL {
        if let venv = ProcessInfo.processInfo.environment["SECONDPASS_VENV"], !venv.isEmpty {
            return URL(fileURLWithPath: venv)
        }
        return packageRoot.appendingPathComponent(".venv")
    }

    public static var python: URL { venv.appendingPathComponent("bin/python") }

    /// Whether the venv's interpreter exists.
    public static var isAvailable: Bool { FileManager.default.isExecutableFile(atPath: python.path) }

    /// Under `CI=true` Scripts/test always makes the venv, so a missing one is a failure there,
    /// never a silent skip.
    public static var isRequired: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }

    /// Why Python-backed tests do not run here.
    public static var unavailableReason: String {
        "no Python venv at \(python.path): run Scripts/bootstrap or set SECONDPASS_VENV"
    }

    public static var protoDirectory: String { packageRoot.appendingPathComponent("Protos").path }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String

        public init(description: String) {
            self.description = description
        }
    }

    /// The environment of every peer: Hugging Face offline, no tokenizer thread pool.
    public static var environment: [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["HF_HUB_OFFLINE"] = "1"
        environment["TRANSFORMERS_OFFLINE"] = "1"
        environment["TOKENIZERS_PARALLELISM"] = "false"
        return environment
    }

    /// Runs the reference script at `path` (relative to the package root) and returns its stdout;
    /// throws `Failure` with the tail of stderr on failure.
    ///
    /// Most parity tests exchange data through files, so only the exit status and errors matter.
    @discardableResult
    public static func runReference(script path: String, arguments: [String]) async throws -> Data {
        try await run(arguments: [packageRoot.appendingPathComponent(path).path] + arguments, name: path)
    }

    /// Runs `<folder>/<script> arguments…` (folder relative to the package root) with `input` on
    /// stdin and returns its stdout.
    public static func run(
        script: String, in folder: String = "Tests/Interop", arguments: [String] = [], input: Data = Data()
    ) async throws -> Data {
        let path = "\(folder)/\(script)"
        return try await run(
            arguments: [packageRoot.appendingPathComponent(path).path] + arguments, input: input, name: path)
    }

    /// Runs the Python source `code` (`python -c code arguments…`) with `input` on stdin and
    /// returns its stdout.
    @discardableResult
    public static func run(code: String, arguments: [String] = [], input: Data = Data()) async throws -> Data
    {
        try await run(arguments: ["-c", code] + arguments, input: input, name: "python -c")
    }

    /// Runs `code` with `input` encoded as JSON on stdin and decodes its stdout as `Output`.
    public static func run<Input: Encodable, Output: Decodable>(
        code: String, json input: Input, as: Output.Type
    ) async throws -> Output {
        try JSONDecoder().decode(Output.self, from: await run(code: code, input: JSONEncoder().encode(input)))
    }

    /// `run(code:arguments:input:)` blocking the calling thread, for the few synchronous callers
    /// (static set-up such as the manifests' YAML loader) whose Python runs are short.
    public static func runBlocking(code: String, arguments: [String] = [], input: Data = Data()) throws
        -> Data
    {
        try requireInterpreter()
        let result = try ChildProcess.runBlocking(
            python, arguments: ["-c", code] + arguments, input: input, environment: environment)
        return try check(result, name: "python -c")
    }

    /// Every asynchronous run: Python waits on a dedicated thread (`ChildProcess.run`), never on
    /// one of the two cooperative threads, so in-process servers keep answering while a parity
    /// run of many seconds goes on.
    private static func run(arguments: [String], input: Data = Data(), name: String) async throws -> Data {
        try requireInterpreter()
        let result = try await ChildProcess.run(
            python, arguments: arguments, input: input, environment: environment)
        return try check(result, name: name)
    }

    private static func requireInterpreter() throws {
        guard isAvailable else {
            throw Failure(
                description: unavailableReason
                    + (isRequired ? " (CI=true: Scripts/test should have made it)" : ""))
        }
    }

    private static func check(_ result: ChildProcess.Result, name: String) throws -> Data {
        guard result.status == 0 else {
            throw Failure(
                description: "\(name) exited with \(result.status): "
                    + String(decoding: result.standardError.suffix(2000), as: UTF8.self))
        }
        return result.standardOutput
    }
}
