import Foundation
import SecondPassTestSupport

/// The built executables and the shipped model the end-to-end tests start.
enum SuiteProcesses {
    static let root = PythonPeer.packageRoot

    /// A product built beside the test bundle (or in `.build/debug`).
    static func binary(_ name: String) throws -> URL {
        let candidates = [BuiltProducts.folder, root.appendingPathComponent(".build/debug")].map {
            $0.appendingPathComponent(name)
        }
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) })
        else {
            throw TestProcess.Failure(
                description: "no \(name) in \(candidates.map(\.path)); run swift build --build-tests")
        }
        return found
    }

    static let adapterName = "austen-lora-r8"

    /// Starts a `lora-rescorer` replica on a free loopback port; returns it and its port.
    static func startReplica(id: String) async throws -> (TestProcess, Int) {
        let replica = try TestProcess(
            try binary("lora-rescorer"),
            [
                "serve", "--model", root.appendingPathComponent("Models/base").path, "--adapter",
                "\(adapterName)=\(root.appendingPathComponent("Models/adapters/\(adapterName)").path)",
                "--port", "0",
                "--replica-id", id, "--log-level", "warning",
            ])
        do {
            let line = try await replica.line(containing: "lora-rescorer listening on ")
            guard let port = line.split(separator: ":").last.flatMap({ Int($0) }) else {
                throw TestProcess.Failure(description: "no port in '\(line)'")
            }
            return (replica, port)
        } catch {
            replica.stop()
            throw error
        }
    }

    /// Starts `nbest-simulator` from the package root (so `Data/` and the corpora resolve).
    static func startSimulator(_ arguments: [String]) throws -> TestProcess {
        try TestProcess(try binary("nbest-simulator"), arguments, directory: root)
    }
}
