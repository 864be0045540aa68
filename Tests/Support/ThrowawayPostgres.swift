public import Foundation
public import Testing

/// A PostgreSQL 15 server of the test's own, started and stopped through `Scripts/postgres`
/// (its own data and socket folders, a free loopback port, trust authentication on loopback).
///
/// `withServer` stops the server and removes its folder whether the body returns or throws, so
/// no test leaves a server behind.
public final class ThrowawayPostgres: Sendable {
    /// `postgres://postgres@127.0.0.1:PORT/postgres`.
    public let url: String
    /// The loopback port, the same across `stop()`/`start()`.
    public let port: Int
    private let directory: URL

    /// Where Debian's `postgresql` package puts the server binaries.
    public static let binaries = URL(fileURLWithPath: "/usr/lib/postgresql/15/bin")

    /// Whether PostgreSQL 15 is installed here.
    public static var isAvailable: Bool {
        FileManager.default.isExecutableFile(atPath: binaries.appendingPathComponent("pg_ctl").path)
    }

    /// Why PostgreSQL-backed tests do not run here.
    public static var unavailableReason: String {
        "no PostgreSQL 15 at \(binaries.path): apt-get install postgresql (Scripts/deps/metrics.apt)"
    }

    private static var script: URL { PythonPeer.packageRoot.appendingPathComponent("Scripts/postgres") }

    private init(directory: URL) async throws {
        self.directory = directory
        let started = try await Self.script(["start", directory.path])
        url = started.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let port = URLComponents(string: url)?.port else {
            throw TestFailure("Scripts/postgres start printed no URL: \(started)")
        }
        self.port = port
    }

    /// Starts a server, runs `body` with it, then stops it and removes its data.
    public static func withServer<T>(_ body: (ThrowawayPostgres) async throws -> T) async throws -> T {
        guard isAvailable else {
            throw TestFailure(
                unavailableReason + (PythonPeer.isRequired ? " (CI=true: Scripts/bootstrap installs it)" : "")
            )
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "secondpass-pg-\(UUID().uuidString)")
        let server: ThrowawayPostgres
        do {
            server = try await ThrowawayPostgres(directory: directory)
        } catch {
            _ = try? await script(["stop", directory.path, "--immediate"])
            try? FileManager.default.removeItem(at: directory)
            throw error
        }
        do {
            let result = try await body(server)
            try await server.remove()
            return result
        } catch {
            try? await server.remove()
            throw error
        }
    }

    /// Stops the server (a fast shutdown, or a crash with `immediate`); the data stays.
    public func stop(immediate: Bool = false) async throws {
        _ = try await Self.script(["stop", directory.path] + (immediate ? ["--immediate"] : []))
    }

    /// Starts the stopped server again on the same port and data.
    public func start() async throws {
        _ = try await Self.script(["start", directory.path])
    }

    /// Runs SQL as the superuser (e.g. to create a database or a role); returns the rows, one a
    /// line, fields separated by `|`.
    @discardableResult
    public func psql(_ sql: String) async throws -> String {
        try await Self.script(["psql", directory.path, "-t", "-A", "-c", sql])
    }

    /// A URL of this server for `user` (and `password`) on `database`.
    public func url(user: String = "postgres", password: String? = nil, database: String = "postgres")
        -> String
    {
        "postgres://\(user)\(password.map { ":\($0)" } ?? "")@127.0.0.1:\(port)/\(database)"
    }

    private func remove() async throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        // Stopping a stopped server fails; the folder goes either way.
        _ = try? await Self.script(["stop", directory.path, "--immediate"])
    }

    @discardableResult
    private static func script(_ arguments: [String]) async throws -> String {
        let result = try await ChildProcess.run(script, arguments: arguments)
        guard result.status == 0 else {
            throw TestFailure(
                "Scripts/postgres \(arguments.joined(separator: " ")) exited \(result.status): \(result.errorText)"
            )
        }
        return result.outputText
    }
}

extension Trait where Self == ConditionTrait {
    /// Runs the test only when PostgreSQL 15 is installed, skipping it with the reason otherwise;
    /// under `CI=true` the test always runs, so a missing server fails it there.
    public static var requiresPostgreSQL: Self {
        .enabled(
            if: ThrowawayPostgres.isAvailable || PythonPeer.isRequired,
            Comment(rawValue: ThrowawayPostgres.unavailableReason))
    }
}
