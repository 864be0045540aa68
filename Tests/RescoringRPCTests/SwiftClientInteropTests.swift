import Foundation
import H2RPC
import RescoringMessages
import RescoringRPC
import SecondPassTestSupport
import Testing

@Suite("Swift client against the grpcio server and the Swift server")
struct SwiftClientInteropTests {
    @Test("all four RPC kinds, deadline, cancel, errors and metadata against grpcio", .requiresPythonPeer)
    func againstPython() async throws {
        try await PythonInteropServer.with { server in
            try await SwiftTestServer.withClient(port: server.port) { client in
                let checks = InteropClientChecks(
                    client: client, serverName: "python", runID: "swift-client-run", events: server)
                try await checks.runAll()
            }
            // The deadline and the cancel both reached the Python handler, and so did the end of
            // the endless WatchReport stream.
            #expect(await server.waitForEvent("cancelled RescoreOne", count: 2), "\(server.events)")
            #expect(await server.waitForEvent("cancelled WatchReport"), "\(server.events)")
        }
    }

    @Test("the same checks against the Swift server (loopback)")
    func againstSwift() async throws {
        try await SwiftTestServer.with { running in
            try await SwiftTestServer.withClient(port: running.port) { client in
                let checks = InteropClientChecks(
                    client: client, serverName: "swift", runID: "swift-client-run",
                    events: running.cancellations)
                try await checks.runAll()
            }
            #expect(
                await running.cancellations.waitFor("RescoreOne", count: 2),
                "\(running.cancellations.cancelled)")
            #expect(await running.cancellations.waitFor("WatchReport"), "\(running.cancellations.cancelled)")
        }
    }
}
