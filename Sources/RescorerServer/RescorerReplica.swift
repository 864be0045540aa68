public import Foundation
public import H2RPC
public import Logging
public import Rescoring
public import RescoringRPC
import ServiceLifecycle
import ServiceMetrics

/// How one rescorer replica listens and identifies itself (the `lora-rescorer serve` flags).
public struct RescorerReplicaConfiguration: Sendable {
    /// Address to bind; loopback unless told otherwise (containers pass `0.0.0.0`).
    public var host: String = "127.0.0.1"
    /// Port to bind; 0 picks a free one.
    public var port: Int = 0
    /// Reported in every result so clients can tell replicas apart.
    public var replicaID: String = "rescorer-0"
    /// When set, every call (health included) must carry `authorization: Bearer <token>`.
    public var bearerToken: String?
    /// How long in-flight calls may run after SIGTERM/SIGINT before they are cut.
    public var shutdownGracePeriod: Duration = .seconds(10)
    /// Compute threads, queue, batching and request limits of the `Rescorer` service.
    public var rescorer = RescorerConfiguration()
    /// The directory tree `LoadAdapter` may read; `nil` refuses every run-time load.
    public var adapterRoot: URL?
    /// Port of the Prometheus `/metrics` listener (0 picks one); `nil` serves no metrics.
    public var metricsPort: Int?
    /// Largest request message (bytes, before decoding) a call may send; a larger one ends that
    /// call with `RESOURCE_EXHAUSTED` before it is buffered, and other calls go on. Default 4 MiB.
    public var maximumMessageBytes = ConnectionLimits.server.maximumReceiveMessageSize

    public init() {}
}

/// A rescorer replica: the `Rescorer` and `grpc.health.v1.Health` services on one `RPCServer`,
/// run in a `ServiceGroup` that drains gracefully on SIGTERM or SIGINT.
///
/// On the signal, health turns `NOT_SERVING` first (so balancers and watchers move traffic),
/// then the server sends GOAWAY, lets in-flight calls finish within the grace period, and
/// `run` returns normally, so the process exits 0.
public struct RescorerReplica: Sendable {
    /// The adapters served; `LoadAdapter`/`UnloadAdapter` change them while the replica runs.
    public let registry: AdapterRegistry
    public let configuration: RescorerReplicaConfiguration
    /// The health service, exposed so callers can watch or change statuses.
    public let health: HealthService

    /// A replica serving `engine`'s adapters, and those `LoadAdapter` may add from
    /// `configuration.adapterRoot`.
    public init(engine: RescoringEngine, configuration: RescorerReplicaConfiguration) {
        self.init(
            registry: AdapterRegistry(engine: engine, allowedRoot: configuration.adapterRoot),
            configuration: configuration)
    }

    /// A replica serving `registry` (whose adapter root, not `configuration.adapterRoot`, applies).
    public init(registry: AdapterRegistry, configuration: RescorerReplicaConfiguration) {
        self.registry = registry
        self.configuration = configuration
        self.health = HealthService(
            statuses: ["": .serving, RescorerMethods.serviceName: .serving])
    }

    /// Serves until SIGTERM/SIGINT (or cancellation) and the drain that follows.
    ///
    /// The metrics port, when configured, is bound first and logged (`metrics on HOST:PORT`), so a
    /// busy port fails the start rather than the scrape.
    ///
    /// - Parameters:
    ///   - logger: where server and lifecycle events go.
    ///   - onMetricsListening: called with the metrics listener's host and port (port 0 resolved)
    ///     once it is bound, before `onListening`; not called without `metricsPort`.
    ///   - onListening: called once with the bound address (port 0 resolved), before any call.
    /// - Throws: `RPCError` (`UNAVAILABLE`) when the address cannot be bound, `MetricsServerError`
    ///   when the metrics port cannot.
    public func run(
        logger: Logger, onMetricsListening: @Sendable (String, Int) -> Void = { _, _ in },
        onListening: @Sendable (RPCServer.Address) -> Void
    ) async throws {
        var metricsServer: MetricsHTTPServer?
        var rescorerMetrics: RescorerMetrics?
        if let metricsPort = configuration.metricsPort {
            let metrics = ServiceMetrics()
            rescorerMetrics = RescorerMetrics(metrics: metrics)
            let server = try await MetricsHTTPServer.bind(
                host: configuration.host, port: metricsPort, metrics: metrics, logger: logger)
            onMetricsListening(server.host, server.port)
            metricsServer = server
        }
        var router = RPCRouter()
        router.register(
            LanguageModelRescorer(
                registry: registry, replicaID: configuration.replicaID, configuration: configuration.rescorer,
                metrics: rescorerMetrics))
        router.registerHealthAndReflection(health)

        var serverConfiguration = ServerConfiguration()
        serverConfiguration.host = configuration.host
        serverConfiguration.port = configuration.port
        serverConfiguration.bearerToken = configuration.bearerToken
        serverConfiguration.shutdownGracePeriod = configuration.shutdownGracePeriod
        serverConfiguration.limits.maximumReceiveMessageSize = configuration.maximumMessageBytes
        let server = RPCServer(router: router, configuration: serverConfiguration, logger: logger)

        // Companions shut down before the server, in reverse order: the health drain runs first,
        // then the metrics listener, then the server's GOAWAY.
        let metricsCompanions: [any Service] = metricsServer.map { [$0] } ?? []
        try await ServerProcess.run(
            server: server, companions: metricsCompanions + [HealthDrain(health: health, logger: logger)],
            logger: logger, onListening: onListening)
    }
}

/// Turns every health status `NOT_SERVING` when graceful shutdown begins.
///
/// A `Service` of its own so the `ServiceGroup` orders it: it is listed after the server, so it
/// shuts down (flips health) before the server stops accepting calls.
struct HealthDrain: Service {
    let health: HealthService
    let logger: Logger

    func run() async throws {
        do {
            try await gracefulShutdown()
        } catch is CancellationError {
            return
        }
        logger.info("draining: health is NOT_SERVING")
        health.setAll(.notServing)
    }
}
