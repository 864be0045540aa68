import H2RPC
import Logging
import RescoringMessages
import RescoringRPC

/// Runs the interop test services (Rescorer, MetricsAggregator, Health) on a free loopback port
/// for the duration of `body`, then shuts the server down.
enum SwiftTestServer {
    static let logger = Logger(label: "rescoring-rpc-tests") { _ in SwiftLogNoOpLogHandler() }

    struct Running: Sendable {
        let port: Int
        let health: HealthService
        let cancellations: CancellationLog
    }

    static func with<Result>(_ body: (Running) async throws -> Result) async throws -> Result {
        let cancellations = CancellationLog()
        let health = HealthService(statuses: [
            "": .serving, RescorerMethods.serviceName: .serving,
            MetricsAggregatorMethods.serviceName: .serving,
        ])
        var router = RPCRouter()
        router.register(InteropRescorer(health: health, cancellations: cancellations))
        router.register(InteropAggregator(cancellations: cancellations))
        router.register(health)
        let server = RPCServer(router: router, logger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.run() }
            let port = try await server.listeningAddress().port
            do {
                let result = try await body(Running(port: port, health: health, cancellations: cancellations))
                server.beginGracefulShutdown(gracePeriod: .seconds(2))
                try await group.waitForAll()
                return result
            } catch {
                server.beginGracefulShutdown(gracePeriod: .zero)
                try? await group.waitForAll()
                throw error
            }
        }
    }

    /// A client connected to `port` for the duration of `body`.
    static func withClient<Result>(port: Int, _ body: (RPCClient) async throws -> Result) async throws
        -> Result
    {
        try await withRPCClient(host: "127.0.0.1", port: port, logger: logger, body)
    }
}
