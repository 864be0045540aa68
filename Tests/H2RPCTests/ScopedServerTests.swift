import H2RPC
import ServiceLifecycle
import Synchronization
import Testing

/// `withRPCServer` and `ServerProcess`: the server runs exactly while its scope does.
@Suite struct ScopedServerTests {
    let codec = RawBytesCodec()

    struct BodyFailed: Error {}

    /// What a companion saw, in order.
    final class Events: Sendable {
        let list = Mutex<[String]>([])
        func append(_ event: String) { list.withLock { $0.append(event) } }
        var all: [String] { list.withLock { $0 } }
    }

    /// Records that it ran and when graceful shutdown reached it.
    struct Companion: Service {
        let events: Events

        func run() async throws {
            events.append("companion started")
            try? await gracefulShutdown()
            events.append("companion stopped")
        }
    }

    @Test func withRPCServerServesWhileTheBodyRunsThenStops() async throws {
        let (server, address) = try await withRPCServer(
            router: TestSupport.echoRouter(), logger: TestSupport.logger
        ) {
            running in
            #expect(running.address.port > 0)
            #expect(running.address.host == "127.0.0.1")
            try await withRPCClient(host: "127.0.0.1", port: running.address.port, logger: TestSupport.logger)
            {
                client in
                let echoed = try await client.unary(
                    TestSupport.unaryEcho, request: [4, 2], serializer: codec, deserializer: codec)
                #expect(echoed == [4, 2])
            }
            return (running.server, running.address)
        }
        // Returned means stopped: no address, and nothing accepts calls on the port any more.
        await #expect(throws: RPCError.self) { try await server.listeningAddress() }
        let error = await #expect(throws: RPCError.self) {
            try await withRPCClient(host: "127.0.0.1", port: address.port, logger: TestSupport.logger) {
                client in
                try await client.unary(
                    TestSupport.unaryEcho, request: [1], serializer: codec, deserializer: codec)
            }
        }
        #expect(error?.code == .unavailable)
    }

    @Test func aThrowingBodyStopsTheServerAndItsErrorComesOut() async throws {
        let escaped = Mutex<RPCServer?>(nil)
        await #expect(throws: BodyFailed.self) {
            try await withRPCServer(router: TestSupport.echoRouter(), logger: TestSupport.logger) { running in
                escaped.withLock { $0 = running.server }
                throw BodyFailed()
            }
        }
        let server = try #require(escaped.withLock { $0 })
        await #expect(throws: RPCError.self) { try await server.listeningAddress() }
    }

    @Test func aServerThatCannotBindFailsWithoutRunningTheBody() async throws {
        try await withRPCServer(router: TestSupport.echoRouter(), logger: TestSupport.logger) { taken in
            var configuration = ServerConfiguration()
            configuration.port = taken.address.port
            let ran = Mutex(false)
            let error = await #expect(throws: RPCError.self) {
                try await withRPCServer(
                    configuration: configuration, services: [], logger: TestSupport.logger
                ) { _ in
                    ran.withLock { $0 = true }
                }
            }
            #expect(error?.code == .unavailable)
            #expect(error?.message.contains("\(taken.address.port)") == true)
            #expect(!ran.withLock { $0 })
        }
    }

    @Test func serverProcessReportsTheAddressAndStopsCompanionsWhenOnListeningFails() async throws {
        let server = RPCServer(router: TestSupport.echoRouter(), logger: TestSupport.logger)
        let events = Events()
        await #expect(throws: BodyFailed.self) {
            try await ServerProcess.run(
                server: server, companions: [Companion(events: events)], logger: TestSupport.logger
            ) { address in
                try await withRPCClient(host: address.host, port: address.port, logger: TestSupport.logger) {
                    client in
                    let echoed = try await client.unary(
                        TestSupport.unaryEcho, request: [9], serializer: codec, deserializer: codec)
                    #expect(echoed == [9])
                }
                throw BodyFailed()
            }
        }
        #expect(events.all == ["companion started", "companion stopped"])
        await #expect(throws: RPCError.self) { try await server.listeningAddress() }
    }

    /// Ends on its own after recording that it ran.
    struct OneShot: Service {
        let events: Events

        func run() async throws { events.append("one-shot ran") }
    }

    @Test func serverlessProcessesEndWhenAServiceEndsAndStopTheOthers() async throws {
        let events = Events()
        try await ServerProcess.run(
            services: [Companion(events: events), OneShot(events: events)], logger: TestSupport.logger)
        let seen = events.all
        #expect(seen.contains("one-shot ran"))
        // The companion was shut down gracefully (or never got to start) rather than left running.
        if seen.contains("companion started") { #expect(seen.last == "companion stopped", "\(seen)") }
    }
}
