import Foundation
import H2RPC
import RescoringMessages
import RescoringRPC
import Testing

/// The real `metrics-aggregator` mounts reflection beside health, as `lora-rescorer` does, so
/// grpcurl-style tools can list and describe its services.
@Suite("metrics-aggregator reflection")
struct AggregatorReflectionTests {
    @Test("reflection lists MetricsAggregator, health and reflection")
    func listsServices() async throws {
        try await Records.withFolder { folder in
            let database = folder.appendingPathComponent("metrics.sqlite").path
            let (server, port) = try await AggregatorProcessTests.start(database: database)
            defer { server.stop() }
            let services = try await withRPCClient(host: "127.0.0.1", port: port, logger: Records.quietLogger)
            {
                client in
                try await ReflectionClient(client, method: ReflectionMethods.alphaInfo).listServices()
            }
            #expect(
                services
                    == [
                        HealthMethods.serviceName, ReflectionMethods.serviceName,
                        ReflectionMethods.alphaServiceName,
                        MetricsAggregatorMethods.serviceName,
                    ].sorted())
        }
    }
}
