import Logging
import ServiceLifecycle
import Synchronization
import Testing

@testable import H2RPC

/// Deadlines, cancellation in both directions and graceful shutdown.
@Suite struct LifecycleTests {
    let codec = RawBytesCodec()
    static let sleepy = TestSupport.method("Sleepy", .unary)
    static let endless = TestSupport.method("Endless", .serverStreaming)

    /// `Sleepy` fires `started`, sleeps `sleep` (or until cancelled, firing `cancelled`) and echoes.
    static func router(
        started: Signal, cancelled: Signal, sleep: Duration = .seconds(60), release: Signal? = nil
    ) -> RPCRouter {
        var router = TestSupport.echoRouter()
        let codec = RawBytesCodec()
        router.registerUnary(sleepy, deserializer: codec, serializer: codec) { request, _ in
            started.fire()
            do {
                if let release {
                    _ = await release.wait(timeout: .seconds(60))
                    try Task.checkCancellation()
                } else {
                    try await Task.sleep(for: sleep)
                }
            } catch {
                cancelled.fire()
                throw error
            }
            return request
        }
        router.registerServerStreaming(endless, deserializer: codec, serializer: codec) {
            _, writer, context in
            started.fire()
            do {
                try await writer.write([1])
                try await Task.sleep(for: .seconds(60))
            } catch {
                cancelled.fire()
                throw error
            }
        }
        return router
    }

    @Test func clientDeadlineFailsCallAndCancelsHandler() async throws {
        let started = Signal()
        let cancelled = Signal()
        try await TestSupport.withServerAndClient(Self.router(started: started, cancelled: cancelled)) {
            _, client in
            let clock = ContinuousClock()
            let begin = clock.now
            // Long enough for the request to reach the handler on a loaded machine (with 200 ms a
            // call could expire before the handler ever started, and nothing would be cancelled).
            let error = await #expect(throws: RPCError.self) {
                try await client.unary(
                    Self.sleepy, request: [1], serializer: codec, deserializer: codec,
                    options: CallOptions(timeout: .seconds(1)))
            }
            #expect(error?.code == .deadlineExceeded)
            #expect(clock.now - begin < .seconds(10))
            #expect(await started.wait(timeout: .seconds(30)), "the handler never started")
            #expect(await cancelled.wait(timeout: .seconds(30)), "the handler was not cancelled")
        }
    }

    @Test func serverEnforcesGRPCTimeoutOnItsOwn() async throws {
        // nghttp is an independent HTTP/2 client with no deadline logic: only the server acts.
        let started = Signal()
        let cancelled = Signal()
        try await TestSupport.withServer(Self.router(started: started, cancelled: cancelled)) { _, port in
            let output = try await NGHTTPClient.post(
                port: port, path: Self.sleepy.fullPath, body: MessageBytes.framed([1]),
                headers: ["grpc-timeout: 150m"])
            #expect(output.contains("grpc-status: 4"))
            #expect(await cancelled.wait())
        }
    }

    @Test func clientCancellationResetsStreamAndCancelsHandler() async throws {
        let started = Signal()
        let cancelled = Signal()
        try await TestSupport.withServerAndClient(Self.router(started: started, cancelled: cancelled)) {
            _, client in
            let call = Task {
                try await client.unary(Self.sleepy, request: [1], serializer: codec, deserializer: codec)
            }
            #expect(await started.wait())
            call.cancel()
            let result = await call.result
            #expect(throws: RPCError.self) { try result.get() }
            if case .failure(let error as RPCError) = result { #expect(error.code == .cancelled) }
            #expect(await cancelled.wait())
            // The connection is still usable.
            let observed5 = try await client.unary(
                TestSupport.unaryEcho, request: [3], serializer: codec, deserializer: codec)
            #expect(observed5 == [3])
        }
    }

    @Test func serverResetDuringShutdownSurfacesAsCancelled() async throws {
        let started = Signal()
        let cancelled = Signal()
        try await TestSupport.withServerAndClient(Self.router(started: started, cancelled: cancelled)) {
            server, client in
            let error = await #expect(throws: RPCError.self) {
                try await client.serverStreaming(
                    Self.endless, request: [], serializer: codec, deserializer: codec
                ) { responses in
                    var iterator = responses.makeAsyncIterator()
                    let observed6 = try await iterator.next()
                    #expect(observed6 == [1])
                    // The grace period is shorter than the handler's sleep: the server resets the stream.
                    server.beginGracefulShutdown(gracePeriod: .milliseconds(100))
                    while try await iterator.next() != nil {}
                }
            }
            #expect(error?.code == .cancelled)
            #expect(await cancelled.wait())
        }
    }

    @Test func gracefulShutdownLetsInFlightCallsFinishAndRefusesNewOnes() async throws {
        let started = Signal()
        let cancelled = Signal()
        let release = Signal()
        let router = Self.router(started: started, cancelled: cancelled, release: release)
        try await TestSupport.withServerAndClient(router) { server, client in
            let inFlight = Task {
                try await client.unary(Self.sleepy, request: [9], serializer: codec, deserializer: codec)
            }
            #expect(await started.wait())
            server.beginGracefulShutdown(gracePeriod: .seconds(10))
            // The in-flight call answers only after the GOAWAY is on the wire, so the client has
            // read it before the answer and starts the next call elsewhere (a loaded machine
            // once ran the drain after a 300 ms handler had answered, and the next call was served).
            await server.shutdownAnnounced()
            release.fire()
            let observed7 = try await inFlight.value
            #expect(observed7 == [9])
            #expect(!cancelled.isFired)
            let error = await #expect(throws: RPCError.self) {
                try await client.unary(
                    TestSupport.unaryEcho, request: [1], serializer: codec, deserializer: codec)
            }
            #expect(error?.code == .unavailable)
        }
    }

    @Test func serviceGroupShutdownStopsTheServer() async throws {
        let server = RPCServer(router: TestSupport.echoRouter(), logger: TestSupport.logger)
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(services: [server], logger: TestSupport.logger))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let port = try await server.listeningAddress().port
            try await withRPCClient(host: "127.0.0.1", port: port, logger: TestSupport.logger) { client in
                let echoed = try await client.unary(
                    TestSupport.unaryEcho, request: [7], serializer: codec, deserializer: codec)
                #expect(echoed == [7])
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        await #expect(throws: RPCError.self) { try await server.listeningAddress() }
    }

    @Test func idleConnectionsAreClosedAndClientsReconnect() async throws {
        var configuration = ServerConfiguration()
        // Long enough that a loaded machine still sends the second call's request on its new
        // connection before that connection, too, has been idle for the whole period: at 150 ms
        // both the call and its one transparent retry could find their connection idle-closed.
        configuration.limits.idleTimeout = .seconds(1)
        try await TestSupport.withServerAndClient(configuration: configuration) { server, client in
            let observed8 = try await client.unary(
                TestSupport.unaryEcho, request: [1], serializer: codec, deserializer: codec)
            #expect(observed8 == [1])
            // The idle timer fires after 1 s of silence; a loaded machine may take longer.
            #expect(await eventually { server.statistics.openConnections == 0 })
            let observed9 = try await client.unary(
                TestSupport.unaryEcho, request: [2], serializer: codec, deserializer: codec)
            #expect(observed9 == [2])
        }
    }

    /// The idle timer is not cancelled as streams open (that cost a timer per call): it fires
    /// during a long call, must leave that connection alone, and be armed again by the call's end.
    @Test func aCallOutlastingTheIdleTimeoutKeepsItsConnection() async throws {
        var configuration = ServerConfiguration()
        configuration.limits.idleTimeout = .milliseconds(200)
        let slow = TestSupport.method("Slow", .unary)
        var router = TestSupport.echoRouter()
        router.registerUnary(slow, deserializer: codec, serializer: codec) { request, _ in
            // Three idle periods with the stream open (the subject of the test is a timer).
            try await Task.sleep(for: .milliseconds(600))
            return request
        }
        try await TestSupport.withServerAndClient(router, configuration: configuration) { server, client in
            let echoed = try await client.unary(slow, request: [7], serializer: codec, deserializer: codec)
            #expect(echoed == [7])
            #expect(await eventually { server.statistics.openConnections == 0 })
        }
    }

    @Test func keepalivePingsAreAnsweredAndKeepTheConnection() async throws {
        var clientConfiguration = ClientConfiguration()
        clientConfiguration.limits.keepaliveInterval = .milliseconds(50)
        clientConfiguration.limits.keepaliveTimeout = .seconds(5)
        try await TestSupport.withServerAndClient(clientConfiguration: clientConfiguration) {
            server, client in
            let observed10 = try await client.unary(
                TestSupport.unaryEcho, request: [1], serializer: codec, deserializer: codec)
            #expect(observed10 == [1])
            #expect(await eventually { client.statistics.keepalivePingsAcknowledged >= 3 })
            #expect(server.statistics.openConnections == 1)
            #expect(client.statistics.openConnections == 1)
        }
    }
}

/// Polls `condition` until it holds or `timeout` passes: for events whose timing a loaded
/// machine stretches, so tests wait for the event instead of guessing how long it takes.
func eventually(timeout: Duration = .seconds(30), _ condition: () -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(10))
    }
    return condition()
}
