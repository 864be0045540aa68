import Foundation

/// Runs the project's Python tooling (the venv's interpreter) from tests.
///
/// Python is the independent protobuf implementation the bridge is checked against. The venv is
/// `$SECONDPASS_VENV`, else `<package root>/.venv`, as Scripts/test sets it up.
enum PythonPeer {
    /// The folder holding Package.swift, found by walking up from this file.
    static let packageRoot: URL = {
        var url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while url.path != "/" {
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
                return url
            }
            url = url.deletingLastPathComponent()
        }
        fatalError("Package.swift not found above \(#filePath)")
    }()

    static var python: URL {
        if let venv = ProcessInfo.processInfo.environment["SECONDPASS_VENV"], !venv.isEmpty {
            return URL(fileURLWithPath: venv).appendingPathComponent("bin/python")
        }
        return packageRoot.appendingPathComponent(".venv/bin/python")
    }

    static var protoDirectory: String { packageRoot.appendingPathComponent("Protos").path }

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// Runs `Tests/Interop/<script>` with `input` on stdin and returns its stdout.
    static func run(script: String, input: Data) throws -> Data {
        let process = Process()
        process.executableURL = python
        process.arguments = [packageRoot.appendingPathComponent("Tests/Interop/\(script)").path]
        let stdin = Pipe()
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        // Write on another thread: a large input could otherwise deadlock against full pipes.
        let writer = Thread {
            stdin.fileHandleForWriting.write(input)
            try? stdin.fileHandleForWriting.close()
        }
        writer.start()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        let errors = stderr.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure(
                description: "\(script) exited with \(process.terminationStatus): "
                    + String(decoding: errors, as: UTF8.self))
        }
        return output
    }
}
