public import ArgumentParser
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

extension ParsableCommand {
    /// The entry point every service executable shares: parses, runs, and reports any failure as
    /// ONE line on stderr (`NAME: error: …`), then exits with ArgumentParser's code for it.
    ///
    /// ArgumentParser's own `main` prints usage after an error; scripts and container health
    /// checks want a single line to log and the exit code to act on (64 for usage errors, 1
    /// otherwise). `--help` and friends still print the full text on stdout and exit 0.
    ///
    /// `@MainActor` like the `@main` type's own `main`: `exit` must run on the main thread, as it
    /// did before, or it can deadlock against the main thread parked in the async entry point.
    @MainActor
    public static func mainWithOneErrorLine() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                print(fullMessage(for: error))
                Glibc.exit(ExitCode.success.rawValue)
            }
            let text = message(for: error)
            if !text.isEmpty {
                let name = configuration.commandName ?? "\(Self.self)"
                let line = text.split(whereSeparator: \.isNewline).joined(separator: "; ")
                FileHandle.standardError.write(Data("\(name): error: \(line)\n".utf8))
            }
            Glibc.exit(code.rawValue)
        }
    }
}
