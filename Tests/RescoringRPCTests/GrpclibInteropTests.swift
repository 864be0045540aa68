import Foundation
import SecondPassTestSupport
import Testing

/// Interop with grpclib: a second gRPC stack independent of grpcio and of ours (pure Python on
/// the `h2` HTTP/2 library), as client and as server.
@Suite("grpclib against the Swift stack", .requiresPythonPeer)
struct GrpclibInteropTests {
    static let expectedClientChecks: Set<String> = [
        "unary_metadata", "server_streaming", "client_streaming", "bidirectional", "bidirectional_error",
        "deadline", "errors", "health",
    ]

    @Test("grpclib client: the four RPC kinds, a deadline and error statuses against the Swift server")
    func grpclibClient() async throws {
        try await SwiftTestServer.with { running in
            let output = try await PythonPeer.run(
                script: "grpclib_client.py",
                arguments: [
                    "127.0.0.1:\(running.port)", "--proto-dir", PythonPeer.protoDirectory, "--server-name",
                    "swift", "--run-id", "grpclib-client-run",
                ])
            let verdict = try #require(try JSONSerialization.jsonObject(with: output) as? [String: Any])
            let checks = try #require(verdict["checks"] as? [String: [String: Any]])
            #expect(Set(checks.keys) == Self.expectedClientChecks)
            for (name, result) in checks.sorted(by: { $0.key < $1.key }) {
                #expect(result["ok"] as? Bool == true, "\(name): \(result["detail"] ?? "")")
            }
            // grpclib's deadline reached the Swift handler as task cancellation.
            #expect(await running.cancellations.waitFor("RescoreOne"), "\(running.cancellations.cancelled)")
        }
    }

    @Test("grpclib server: every Swift client check (kinds, deadline, cancel, errors, metadata, health)")
    func grpclibServer() async throws {
        try await PythonInteropServer.with(script: "grpclib_server.py", name: "grpclib") { server in
            try await SwiftTestServer.withClient(port: server.port) { client in
                var checks = InteropClientChecks(
                    client: client, serverName: "grpclib", runID: "swift-client-run", events: server)
                // grpclib's unknown-method answer lacks content-type (see `unknownMethod`).
                checks.unknownMethod = (.unknown, "content-type '' is not gRPC")
                try await checks.runAll()
            }
            // The deadline and the cancel both reached the grpclib handler as task cancellation,
            // and so did the end of the endless WatchReport stream.
            #expect(await server.waitForEvent("cancelled RescoreOne", count: 2), "\(server.events)")
            #expect(await server.waitForEvent("cancelled WatchReport"), "\(server.events)")
        }
    }
}
