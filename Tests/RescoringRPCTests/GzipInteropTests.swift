import Foundation
import H2RPC
import RescoringMessages
import RescoringRPC
import SecondPassTestSupport
import Testing

/// `grpc-encoding: gzip` against grpcio, both roles: a grpcio client that compresses is served by
/// the Swift server (`interop_client.py`'s `gzip_*` checks, also in `PythonClientInteropTests`).
@Suite("gzip between the Swift client and the grpcio server", .requiresPythonPeer)
struct GzipInteropTests {
    @Test("compressed requests are inflated by grpcio, and its compressed responses by the Swift client")
    func bothDirectionsCompressed() async throws {
        var configuration = ClientConfiguration()
        configuration.compression.sendsGzip = true
        try await PythonInteropServer.with(arguments: ["--compression", "gzip"]) { server in
            try await SwiftTestServer.withClient(port: server.port, configuration: configuration) { client in
                let checks = InteropClientChecks(
                    client: client, serverName: "python", runID: "swift-gzip-run", events: server)
                try await checks.unaryLarge()
                try await checks.bidirectional()
                try await checks.bidirectionalPingPong()
                try await checks.bidirectionalError()
            }
        }
    }

    @Test("grpcio's client passes every check against a Swift server that compresses its responses")
    func grpcioClientAgainstCompressingServer() async throws {
        try await SwiftTestServer.with(compression: CompressionConfiguration(sendsGzip: true)) { running in
            let output = try await PythonPeer.run(
                script: "interop_client.py",
                arguments: [
                    "127.0.0.1:\(running.port)", "--proto-dir", PythonPeer.protoDirectory, "--server-name",
                    "swift", "--run-id", "python-gzip-run",
                ])
            let verdict = try #require(try JSONSerialization.jsonObject(with: output) as? [String: Any])
            let checks = try #require(verdict["checks"] as? [String: [String: Any]])
            #expect(Set(checks.keys) == PythonClientInteropTests.expectedChecks)
            for (name, result) in checks.sorted(by: { $0.key < $1.key }) {
                #expect(result["ok"] as? Bool == true, "\(name): \(result["detail"] ?? "")")
            }
        }
    }
}
