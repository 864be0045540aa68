import Foundation
import H2RPC
import RescoringMessages
import RescoringRPC
import SecondPassTestSupport
import Testing

/// `grpc-encoding: gzip` against grpcio: the grpcio side of the other direction (a grpcio client
/// that compresses, served by the Swift server) is `interop_client.py`'s `gzip_*` checks.
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
}
