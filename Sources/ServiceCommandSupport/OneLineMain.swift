public import ArgumentParser
import Foundation

extension AsyncParsableCommand {
    /// The service executables' entry point: parses, runs, and reports any failure as ONE line on
    /// stderr, `NAME: error: …`, where NAME is the command's `commandName`.
    ///
    /// ArgumentParser's own `main` prints usage after an error; scripts and container health checks
    /// want a single line to log, and the exit code to act on (64 for usage errors, 1 otherwise).
    /// `--help` and friends print their full text on stdout and exit 0. The process ends through
    /// `terminateProcess` either way (see there for why not `exit`).
    public static func mainReportingOneLine() async -> Never {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            terminateProcess(ExitCode.success.rawValue)
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                print(fullMessage(for: error))
                terminateProcess(ExitCode.success.rawValue)
            }
            let message = message(for: error)
            if !message.isEmpty {
                let name = configuration.commandName ?? "\(Self.self)"
                let line = message.split(whereSeparator: \.isNewline).joined(separator: "; ")
                FileHandle.standardError.write(Data("\(name): error: \(line)\n".utf8))
            }
            terminateProcess(code.rawValue)
        }
    }
}
