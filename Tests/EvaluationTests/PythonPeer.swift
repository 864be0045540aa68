import Foundation
import SecondPassTestSupport

/// Runs a Python snippet from the project's venv once, feeding it JSON and decoding its JSON.
///
/// The venv is `$SECONDPASS_VENV`, defaulting to `<package root>/.venv`; the package root is
/// the nearest folder above this file that holds `Package.swift`.
enum PythonPeer {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static var pythonURL: URL { SecondPassTestSupport.PythonPeer.python }

    /// Runs `script` with `input` encoded as JSON on stdin and decodes stdout as `Output`.
    static func run<Input: Encodable, Output: Decodable>(
        script: String, input: Input, as: Output.Type
    ) throws -> Output {
        let process = Process()
        process.executableURL = pythonURL
        process.arguments = ["-c", script]
        let stdin = Pipe()
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        let data = try JSONEncoder().encode(input)
        // Write on another thread so a large batch cannot deadlock against a full stdout pipe.
        let writer = Thread {
            stdin.fileHandleForWriting.write(data)
            try? stdin.fileHandleForWriting.close()
        }
        writer.start()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        let errors = stderr.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure(
                description: "python exited with \(process.terminationStatus): "
                    + (String(data: errors, encoding: .utf8) ?? ""))
        }
        return try JSONDecoder().decode(Output.self, from: output)
    }
}
