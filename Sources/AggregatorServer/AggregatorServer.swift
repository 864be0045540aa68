public import H2RPC
public import Logging
public import MetricsAggregation
public import RescoringRPC
import ServiceLifecycle
import ServiceMetrics

/// How the metrics aggregator listens and where it keeps records (the `serve` flags).
public struct AggregatorServerConfiguration: Sendable {
    /// The SQLite database file (created if missing), or a `postgres://USER@HOST:PORT/DB` URL of a
    /// PostgreSQL database that several aggregators can share.
    public var database: String = "./secondpass-metrics.sqlite"
    /// A file holding the PostgreSQL password (instead of one in the URL).
    public var databasePasswordFile: String?
    /// Address to bind; loopback unless told otherwise (containers pass `0.0.0.0`).
    public var host: String = "127.0.0.1"
    /// Port to bind; 0 picks a free one.
    public var port: Int = 0
    /// When set, every run's report is rewritten there as JSON, Markdown and SVG after changes.
    public var reportDirectory: String?
    /// How long in-flight calls may run after SIGTERM/SIGINT before they are cut.
    public var shutdownGracePeriod: Duration = .seconds(10)
    /// When set, Prometheus text metrics are served at `http://host:metricsPort/metrics` (0 picks
    /// a port); off by default so the aggregator opens no second port unless asked.
    public var metricsPort: Int?

    public init() {}
}

/// The metrics aggregator: `MetricsAggregator`, `grpc.health.v1.Health` and
/// `grpc.reflection.v1` on one `RPCServer`,
/// run in a `ServiceGroup` that drains gracefully on SIGTERM or SIGINT.
///
/// On the signal, health turns `NOT_SERVING` and open `WatchReport` streams end (they never end
/// by themselves), then the server sends GOAWAY and lets `Record` streams finish within the
/// grace period. Records are durable once stored, so even SIGKILL loses none that were stored.
public struct AggregatorServer: Sendable {
    public let configuration: AggregatorServerConfiguration
    public let store: any OutcomeStore
    public let health: HealthService
    public let reports: RunReportBuilder

    /// Opens the database `configuration.database` names (see `OutcomeStoreOpening`). A
    /// PostgreSQL server need not be reachable yet: `run` serves meanwhile, `NOT_SERVING`.
    ///
    /// - Throws: `OutcomeStoreError` when the SQLite file cannot be opened or migrated, or the
    ///   PostgreSQL URL or password file is unusable.
    public init(
        configuration: AggregatorServerConfiguration, logger: Logger,
        reports: RunReportBuilder = RunReportBuilder()
    ) async throws(OutcomeStoreError) {
        let store = try OutcomeStoreOpening.open(
            database: configuration.database, passwordFile: configuration.databasePasswordFile, logger: logger
        )
        self.init(configuration: configuration, store: store, reports: reports)
    }

    /// Serves an already opened store.
    public init(
        configuration: AggregatorServerConfiguration, store: any OutcomeStore,
        reports: RunReportBuilder = RunReportBuilder()
    ) {
        self.configuration = configuration
        self.store = store
        self.reports = reports
        // SERVING once the store is ready: at once for SQLite, later for a PostgreSQL server not
        // reached yet (`StoreReadiness`).
        let status: HealthService.Status = store.isReady ? .serving : .notServing
        self.health = HealthService(statuses: ["": status, MetricsAggregatorMethods.serviceName: status])
    }

    /// Serves until SIGTERM/SIGINT (or cancellation) and the drain that follows.
    ///
    /// - Parameters:
    ///   - logger: where server and lifecycle events go.
    ///   - onMetricsListening: called with the metrics listener's host and port (port 0 resolved)
    ///     once it is bound, before `onListening`; not called without `metricsPort`.
    ///   - onListening: called once with the bound address (port 0 resolved), before any call.
    /// - Throws: `OutcomeStoreError` when the store's first attempt failed for good (or, while
    ///   serving, a later one: the server then stops), `RPCError` (`UNAVAILABLE`) when the address
    ///   cannot be bound, `MetricsServerError` when the metrics port cannot.
    public func run(
        logger: Logger, onMetricsListening: @Sendable (String, Int) -> Void = { _, _ in },
        onListening: @Sendable (RPCServer.Address) -> Void
    ) async throws {
        // A store that can never be reached (a refused login) fails the start in one line; one
        // that cannot be reached *yet* is served NOT_SERVING while it keeps trying.
        try await store.firstAttemptEnded()
        // The metrics port is bound first, so a busy port fails the start rather than the scrape.
        var metricsServer: MetricsHTTPServer?
        var aggregatorMetrics: AggregatorMetrics?
        if let metricsPort = configuration.metricsPort {
            let metrics = ServiceMetrics()
            aggregatorMetrics = AggregatorMetrics(metrics: metrics)
            let server = try await MetricsHTTPServer.bind(
                host: configuration.host, port: metricsPort, metrics: metrics, logger: logger)
            onMetricsListening(server.host, server.port)
            metricsServer = server
        }
        let service = AggregatorService(
            store: store, reports: reports, metrics: aggregatorMetrics, logger: logger)
        var router = RPCRouter()
        router.register(service)
        // Last: reflection lists the services registered before it.
        router.registerHealthAndReflection(health)

        var serverConfiguration = ServerConfiguration()
        serverConfiguration.host = configuration.host
        serverConfiguration.port = configuration.port
        serverConfiguration.shutdownGracePeriod = configuration.shutdownGracePeriod
        let server = RPCServer(router: router, configuration: serverConfiguration, logger: logger)

        // Services shut down in reverse order: the drain first (health, watchers), then the
        // server's GOAWAY and record streams, and the report writer last, after the final records.
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = []
        if let directory = configuration.reportDirectory {
            services.append(
                .init(service: ReportDirectoryWriter(directory: directory, service: service, logger: logger)))
        }
        services.append(.init(service: server))
        if let metricsServer { services.append(.init(service: metricsServer)) }
        services.append(.init(service: AggregatorDrain(health: health, store: store, logger: logger)))
        // It ends once the store is ready, which must not end the others; failing ends them all.
        services.append(
            .init(
                service: StoreReadiness(health: health, store: store, logger: logger),
                successTerminationBehavior: .ignore))
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            do {
                onListening(try await server.listeningAddress())
            } catch {
                // Binding failed: the group ends with the same error; report that one.
                try await tasks.waitForAll()
                throw error
            }
            try await tasks.waitForAll()
        }
    }
}

/// Turns health `SERVING` once the store is ready (logging what it holds), and fails the server
/// with the store's reason when it will never be (a refused login, a missing database).
///
/// Until then `Record` and the report calls answer `UNAVAILABLE` with the store's last failure,
/// so clients resend; a graceful shutdown ends the wait.
struct StoreReadiness: Service {
    let health: HealthService
    let store: any OutcomeStore
    let logger: Logger

    func run() async throws {
        let wasReady = store.isReady
        do {
            try await cancelWhenGracefulShutdown { [store] in try await store.waitUntilReady() }
        } catch {
            // Shutdown (graceful or not) cancelled the wait: not a failure of the store.
            if Task.isCancelled || Task.isShuttingDownGracefully { return }
            throw error
        }
        if Task.isShuttingDownGracefully { return }
        let stored = try? await store.count()
        logger.log(
            level: wasReady ? .info : .warning, "the record store is ready; health is SERVING",
            metadata: ["database": "\(store.location)", "records": "\(stored.map(String.init) ?? "?")"])
        health.setAll(.serving)
    }
}

/// On graceful shutdown: health `NOT_SERVING`, and every `WatchReport` stream ends normally.
struct AggregatorDrain: Service {
    let health: HealthService
    let store: any OutcomeStore
    let logger: Logger

    func run() async throws {
        do {
            try await gracefulShutdown()
        } catch is CancellationError {
            return
        }
        logger.info("draining: health is NOT_SERVING, report watchers end")
        health.setAll(.notServing)
        store.endChangeStreams()
    }
}
