import Foundation
import SecondPassTestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// Where the built `lora-rescorer` is and what it is started with in tests.
///
/// `swift build --build-tests` builds every product into the folder that holds the test bundle,
/// so the binary is looked for next to the running test executable, then in `.build/debug`.
enum LoraRescorerBinary {
    static var url: URL {
        get throws {
            let candidates = [
                URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
                Bundle.main.bundleURL,
                PythonPeer.packageRoot.appendingPathComponent(".build/debug"),
            ].map { $0.appendingPathComponent("lora-rescorer") }
            guard
                let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) })
            else {
                throw ChildProcess.Failure(
                    description:
                        "no lora-rescorer binary in \(candidates.map(\.path)); run swift build --build-tests")
            }
            return found
        }
    }

    /// The shipped base model and adapter.
    static let model = PythonPeer.packageRoot.appendingPathComponent("Models/base").path
    static let adapterName = "austen-lora-r8"
    static let adapter = PythonPeer.packageRoot.appendingPathComponent("Models/adapters/austen-lora-r8").path

    /// `serve` on a free loopback port with the shipped model and adapter, plus `extra` flags.
    static func serveArguments(_ extra: [String] = []) -> [String] {
        [
            "serve", "--model", model, "--adapter", "\(adapterName)=\(adapter)", "--port", "0", "--log-level",
            "warning",
        ]
            + extra
    }

    /// Starts a replica and waits for its listening line; returns the process and its port.
    static func startReplica(_ extra: [String] = []) async throws -> (ChildProcess, Int) {
        let child = try ChildProcess(try url, serveArguments(extra))
        do {
            let line = try await child.line(containing: "lora-rescorer listening on ")
            guard let portText = line.split(separator: ":").last, let port = Int(portText) else {
                throw ChildProcess.Failure(description: "no port in '\(line)'")
            }
            return (child, port)
        } catch {
            child.stop()
            throw error
        }
    }

    /// Runs a short command (a probe, a bad invocation) to its end.
    static func run(_ arguments: [String]) async throws -> ChildProcess.Exit {
        let child = try ChildProcess(try url, arguments)
        defer { child.stop() }
        return try await child.exit()
    }
}

/// A loopback TCP port bound but not listening, so connecting to it is refused for as long as
/// the value lives: an unreachable target no other process can take meanwhile.
final class RefusingPort {
    let port: Int
    private let descriptor: Int32

    init() throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw ChildProcess.Failure(description: "socket() failed: \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        guard bound == 0, named == 0 else {
            close(descriptor)
            throw ChildProcess.Failure(description: "binding a loopback port failed: \(errno)")
        }
        self.descriptor = descriptor
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    deinit { close(descriptor) }
}
