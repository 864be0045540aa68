import H2RPC
import Logging
import NBest
import Rescoring
import RescoringMessages
import RescoringRPC

@testable import RescorerServer

/// A real loopback H2RPC server with the rescorer and the health service, for service tests.
enum RescorerHarness {
    static let logger = Logger(label: "rescorer-tests") { _ in SwiftLogNoOpLogHandler() }

    /// Serves `engine` on a free port, runs `body` with a connected client and the service, then
    /// shuts the server down.
    static func withServer<Result>(
        engine: RescoringEngine, configuration: RescorerConfiguration = RescorerConfiguration(),
        _ body: (RPCClient, LanguageModelRescorer) async throws -> Result
    ) async throws -> Result {
        try await withServer(
            rescorer: LanguageModelRescorer(engine: engine, replicaID: "r0", configuration: configuration),
            body)
    }

    /// Serves `rescorer` (e.g. one over an `AdapterRegistry` with an adapter root, or with metrics).
    static func withServer<Result>(
        rescorer: LanguageModelRescorer, _ body: (RPCClient, LanguageModelRescorer) async throws -> Result
    ) async throws -> Result {
        var router = RPCRouter()
        router.register(rescorer)
        router.register(HealthService(statuses: ["": .serving, RescorerMethods.serviceName: .serving]))
        let server = RPCServer(router: router, logger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.run() }
            let port = try await server.listeningAddress().port
            do {
                let result = try await withRPCClient(host: "127.0.0.1", port: port, logger: logger) {
                    try await body($0, rescorer)
                }
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

    static func request(_ list: NBestList, adapter: String = "") -> RescoreRequest {
        RescoreRequest(nbest: NBestListMessage(list), config: RescoringConfig(adapter: adapter))
    }
}
