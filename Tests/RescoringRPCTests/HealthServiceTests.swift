import H2RPC
import RescoringMessages
import RescoringRPC
import Testing

@Suite("HealthService")
struct HealthServiceTests {
    private static func withHealth<Result>(
        _ health: HealthService, _ body: (HealthClient) async throws -> Result
    ) async throws -> Result {
        try await withRPCServer(services: [health], logger: SwiftTestServer.logger) { server in
            try await SwiftTestServer.withClient(port: server.address.port) {
                try await body(HealthClient($0))
            }
        }
    }

    @Test("Check answers registered statuses and NOT_FOUND for others")
    func check() async throws {
        let health = HealthService(statuses: ["": .serving, "a.B": .notServing])
        try await Self.withHealth(health) { client in
            #expect(try await client.check() == .serving)
            #expect(try await client.check(service: "a.B") == .notServing)
            let error = try await #require(throws: RPCError.self) { try await client.check(service: "x.Y") }
            #expect(error.code == .notFound)
            #expect(error.message.contains("x.Y"))
            health.setStatus(.serving, for: "x.Y")
            #expect(try await client.check(service: "x.Y") == .serving)
            health.remove("x.Y")
            await #expect(throws: RPCError.self) { try await client.check(service: "x.Y") }
        }
    }

    @Test("Watch sends the current status, then each change, skipping repeats")
    func watch() async throws {
        let health = HealthService(statuses: ["svc": .serving])
        try await Self.withHealth(health) { client in
            let seen = try await client.watch(service: "svc", options: .init(timeout: .seconds(120))) {
                stream in
                var iterator = stream.makeAsyncIterator()
                var seen = [try #require(try await iterator.next()).status]
                health.setStatus(.serving, for: "svc")  // a repeat: not sent
                health.setStatus(.notServing, for: "svc")
                seen.append(try #require(try await iterator.next()).status)
                health.remove("svc")
                seen.append(try #require(try await iterator.next()).status)
                health.setStatus(.serving, for: "svc")
                seen.append(try #require(try await iterator.next()).status)
                return seen
            }
            #expect(seen == [.serving, .notServing, .serviceUnknown, .serving])
        }
    }

    @Test("setAll flips every service, as a draining server does")
    func setAll() async throws {
        let health = HealthService(statuses: ["": .serving, "a": .serving, "b": .unknown])
        health.setAll(.notServing)
        #expect(health.status(of: "") == .notServing)
        #expect(health.status(of: "a") == .notServing)
        #expect(health.status(of: "b") == .notServing)
        #expect(health.status(of: "c") == nil)
    }

    @Test("many watchers all see a change")
    func manyWatchers() async throws {
        let health = HealthService(statuses: ["svc": .notServing])
        let registered = CancellationLog()  // used here as a thread-safe log of "watching" events
        try await Self.withHealth(health) { client in
            try await withThrowingTaskGroup(of: [HealthCheckResponse.ServingStatus].self) { group in
                for _ in 0..<8 {
                    group.addTask {
                        try await client.watch(service: "svc", options: .init(timeout: .seconds(120))) {
                            stream in
                            var iterator = stream.makeAsyncIterator()
                            var seen = [try #require(try await iterator.next()).status]
                            registered.record("watching")
                            while seen.last != .serving {
                                seen.append(try #require(try await iterator.next()).status)
                            }
                            return seen
                        }
                    }
                }
                // Flip once every watcher is registered (each got its first status).
                #expect(await registered.waitFor("watching", count: 8))
                health.setStatus(.serving, for: "svc")
                for try await seen in group { #expect(seen == [.notServing, .serving]) }
            }
        }
    }
}
