import H2RPC
import Logging
import NBest
import Rescoring
import RescoringMessages
import RescoringRPC
import RescoringWire

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
        var serverConfiguration = ServerConfiguration()
        serverConfiguration.shutdownGracePeriod = .seconds(2)
        let services: [any RPCService] = [
            rescorer, HealthService(statuses: ["": .serving, RescorerMethods.serviceName: .serving]),
        ]
        return try await withRPCServer(configuration: serverConfiguration, services: services, logger: logger)
        {
            server in
            try await withRPCClient(host: "127.0.0.1", port: server.address.port, logger: logger) {
                try await body($0, rescorer)
            }
        }
    }

    static func request(_ list: NBestList, adapter: String = "") -> RescoreRequest {
        RescoreRequest(nbest: NBestListMessage(list), config: RescoringConfig(adapter: adapter))
    }
}
