import Foundation
import SecondPassTestSupport

/// The subcommands and options one of our executables documents in its `--help`, read from the
/// built binary so a manifest is checked against what the executable accepts today.
struct CommandOptions: Sendable {
    /// The executable's name (`lora-rescorer`).
    let executable: String
    /// The subcommand the options belong to.
    let subcommand: String
    /// Each long option (`--port`) and whether it takes a value (`--port <port>`) or is a flag.
    let takesValue: [String: Bool]

    /// Our executables that containers run.
    static let executables: Set<String> = ["lora-rescorer", "metrics-aggregator", "nbest-simulator"]

    /// Reads `executable --help` for its subcommands (and the default one), then
    /// `executable SUBCOMMAND --help` for the options of `subcommand`, or of the default
    /// subcommand when `subcommand` is nil.
    static func read(executable: String, subcommand: String?) async throws -> CommandOptions {
        let binary = try BuiltProducts.executable(executable)
        let top = try await RunningProcess.run(binary, ["--help"])
        guard top.status == 0 else {
            throw TestFailure("\(executable) --help exited \(top.status): \(top.stderr)")
        }
        let subcommands = entries("SUBCOMMANDS:", of: top.stdout).compactMap { line -> (String, Bool)? in
            let words = line.split(separator: " ")
            guard let name = words.first else { return nil }
            return (String(name), words.dropFirst().first == "(default)")
        }
        let chosen: String
        if let subcommand {
            guard subcommands.contains(where: { $0.0 == subcommand }) else {
                throw TestFailure(
                    "\(executable) has no subcommand '\(subcommand)' (it has \(subcommands.map(\.0)))")
            }
            chosen = subcommand
        } else {
            guard let fallback = subcommands.first(where: \.1)?.0 else {
                throw TestFailure("\(executable) has no default subcommand, so its arguments must name one")
            }
            chosen = fallback
        }
        let help = try await RunningProcess.run(binary, [chosen, "--help"])
        guard help.status == 0 else {
            throw TestFailure("\(executable) \(chosen) --help exited \(help.status): \(help.stderr)")
        }
        var takesValue: [String: Bool] = [:]
        for line in entries("OPTIONS:", of: help.stdout) {
            // "  --port <port>   Port to bind…", "  -h, --help   Show help…", "  --partials   Send…"
            let words = line.split(separator: " ", omittingEmptySubsequences: true)
            guard let option = words.first(where: { $0.hasPrefix("--") }) else { continue }
            let next = words.firstIndex(of: option).map { words.index(after: $0) }
            takesValue[String(option)] = next.map { $0 < words.endIndex && words[$0].hasPrefix("<") } ?? false
        }
        guard !takesValue.isEmpty else { throw TestFailure("no options in \(executable) \(chosen) --help") }
        return CommandOptions(executable: executable, subcommand: chosen, takesValue: takesValue)
    }

    /// The problems of `arguments` (what follows the subcommand): options this command does not
    /// have, options missing their value, values nothing asked for, flags given a value.
    func problems(in arguments: [String]) -> [String] {
        var problems: [String] = []
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            guard argument.hasPrefix("--") else {
                problems.append("'\(argument)' is not an option and follows no option that takes a value")
                continue
            }
            let parts = argument.split(separator: "=", maxSplits: 1)
            let option = String(parts[0])
            guard let needsValue = takesValue[option] else {
                problems.append("\(executable) \(subcommand) has no option \(option)")
                continue
            }
            if needsValue, parts.count == 1 {
                if index < arguments.count, !arguments[index].hasPrefix("--") {
                    index += 1
                } else {
                    problems.append("\(option) needs a value")
                }
            } else if !needsValue, parts.count == 2 {
                problems.append("\(option) is a flag and takes no value")
            }
        }
        return problems
    }

    /// The entry lines of a help section (`OPTIONS:`) up to its blank line: those indented by
    /// exactly two spaces, not the deeper-indented continuations of wrapped descriptions (which
    /// may mention other options).
    private static func entries(_ title: String, of help: String) -> [String] {
        let lines = help.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let start = lines.firstIndex(where: { $0.trimmingCharacters(in: .whitespaces) == title }) else {
            return []
        }
        return lines[(start + 1)...].prefix { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
            .filter { $0.hasPrefix("  ") && !$0.hasPrefix("   ") }
    }
}
