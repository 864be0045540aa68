import Foundation
import RescoringRPC
import SecondPassTestSupport
import Testing

@Suite("grpcio client against the Swift server", .requiresPythonPeer)
struct PythonClientInteropTests {
    static let expectedChecks: Set<String> = [
        "unary_metadata", "unary_large", "server_streaming", "client_streaming", "bidirectional",
        "bidirectional_ping_pong", "bidirectional_error", "deadline", "cancel", "cancel_stream",
        "invalid_argument",
        "not_found", "report_errors", "empty_load", "unimplemented", "adapters", "health",
        "gzip_unary", "gzip_bidirectional",
    ]

    @Test("every check of interop_client.py passes against the Swift services")
    func pythonClient() async throws {
        try await SwiftTestServer.with { running in
            let output = try await PythonPeer.run(
                script: "interop_client.py",
                arguments: [
                    "127.0.0.1:\(running.port)", "--proto-dir", PythonPeer.protoDirectory, "--server-name",
                    "swift",
                    "--run-id", "python-client-run",
                ])
            let verdict = try #require(try JSONSerialization.jsonObject(with: output) as? [String: Any])
            let checks = try #require(verdict["checks"] as? [String: [String: Any]])
            #expect(Set(checks.keys) == Self.expectedChecks)
            for (name, result) in checks.sorted(by: { $0.key < $1.key }) {
                #expect(result["ok"] as? Bool == true, "\(name): \(result["detail"] ?? "")")
            }
            // grpcio's deadline and cancel reached the Swift handlers as task cancellation.
            #expect(
                await running.cancellations.waitFor("RescoreOne", count: 2),
                "\(running.cancellations.cancelled)")
            #expect(await running.cancellations.waitFor("WatchReport"), "\(running.cancellations.cancelled)")
        }
    }
}
