import H2RPC
import Logging
import RescoringMessages
import RescoringRPC

/// Runs the interop test services (Rescorer, MetricsAggregator, Health, reflection) on a free loopback port
/// for the duration of `body`, then shuts the server down.
enum SwiftTestServer {
    static let logger = Logger(label: "rescoring-rpc-tests") { _ in SwiftLogNoOpLogHandler() }

    struct Running: Sendable {
        let port: Int
        let health: HealthService
        let cancellations: CancellationLog
    }

    /// - Parameter compression: the server's `grpc-encoding` settings (default: accept gzip,
    ///   send uncompressed).
    static func with<Result>(
        compression: CompressionConfiguration = CompressionConfiguration(),
        _ body: (Running) async throws -> Result
    ) async throws -> Result {
        let cancellations = CancellationLog()
        let health = HealthService(statuses: [
            "": .serving, RescorerMethods.serviceName: .serving,
            MetricsAggregatorMethods.serviceName: .serving,
        ])
        var configuration = ServerConfiguration()
        configuration.shutdownGracePeriod = .seconds(2)
        configuration.compression = compression
        let services = StandardServices.adding(
            health: health,
            to: [
                InteropRescorer(health: health, cancellations: cancellations),
                InteropAggregator(cancellations: cancellations),
            ])
        return try await withRPCServer(configuration: configuration, services: services, logger: logger) {
            server in
            try await body(Running(port: server.address.port, health: health, cancellations: cancellations))
        }
    }

    /// A client connected to `port` for the duration of `body`.
    static func withClient<Result>(
        port: Int, configuration: ClientConfiguration = ClientConfiguration(),
        _ body: (RPCClient) async throws -> Result
    ) async throws -> Result {
        try await withRPCClient(
            host: "127.0.0.1", port: port, configuration: configuration, logger: logger, body)
    }
}
