public import H2RPC
public import Logging
public import Rescoring
import RescoringRPC
import ServiceLifecycle

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

    public init() {}
}

/// A rescorer replica: the `Rescorer` and `grpc.health.v1.Health` services on one `RPCServer`,
/// run in a `ServiceGroup` that drains gracefully on SIGTERM or SIGINT.
///
/// On the signal, health turns `NOT_SERVING` first (so balancers and watchers move traffic),
/// then the server sends GOAWAY, lets in-flight calls finish within the grace period, and
/// `run` returns normally, so the process exits 0.
public struct RescorerReplica: Sendable {
    public let engine: RescoringEngine
    public let configuration: RescorerReplicaConfiguration
    /// The health service, exposed so callers can watch or change statuses.
    public let health: HealthService

    public init(engine: RescoringEngine, configuration: RescorerReplicaConfiguration) {
        self.engine = engine
        self.configuration = configuration
        self.health = HealthService(
            statuses: ["": .serving, RescorerMethods.serviceName: .serving])
    }

    /// Serves until SIGTERM/SIGINT (or cancellation) and the drain that follows.
    ///
    /// - Parameters:
    ///   - logger: where server and lifecycle events go.
    ///   - onListening: called once with the bound address (port 0 resolved), before any call.
    /// - Throws: `RPCError` (`UNAVAILABLE`) when the address cannot be bound.
    public func run(logger: Logger, onListening: @Sendable (RPCServer.Address) -> Void) async throws {
        var router = RPCRouter()
        // lead: wire RescorerConfiguration flags here (max hypotheses/tokens, compute threads, queue size).
        router.register(LanguageModelRescorer(engine: engine, replicaID: configuration.replicaID))
        router.registerHealthAndReflection(health)

        var serverConfiguration = ServerConfiguration()
        serverConfiguration.host = configuration.host
        serverConfiguration.port = configuration.port
        serverConfiguration.bearerToken = configuration.bearerToken
        serverConfiguration.shutdownGracePeriod = configuration.shutdownGracePeriod
        let server = RPCServer(router: router, configuration: serverConfiguration, logger: logger)

        // Companions shut down before the server: the health drain runs before its GOAWAY.
        try await ServerProcess.run(
            server: server, companions: [HealthDrain(health: health, logger: logger)], logger: logger,
            onListening: onListening)
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
