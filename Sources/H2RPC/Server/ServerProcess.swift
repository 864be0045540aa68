public import Logging
public import ServiceLifecycle

/// How an executable serves: one `RPCServer` and its companion services in a `ServiceGroup`
/// that shuts down gracefully on SIGTERM or SIGINT.
///
/// Every SecondPass executable that serves runs through here, so they all drain the same way: on
/// the signal the companions shut down first (in reverse order, e.g. health turning
/// `NOT_SERVING`), then the server sends GOAWAY, lets in-flight calls finish within its grace
/// period, and `run` returns normally so the process exits 0.
public enum ServerProcess {
    /// Serves until SIGTERM or SIGINT (or cancellation) and the drain that follows.
    ///
    /// - Parameters:
    ///   - server: the server; it is bound before `onListening` is called.
    ///   - companions: services that live as long as the server and shut down before it.
    ///   - logger: where lifecycle events go.
    ///   - onListening: called once with the bound address (port 0 resolved), e.g. to log it on
    ///     one line; if it throws, everything shuts down and the error is rethrown.
    /// - Throws: `RPCError` (`UNAVAILABLE`) when the address cannot be bound, or what a service
    ///   or `onListening` throws.
    public static func run(
        server: RPCServer,
        companions: [any Service] = [],
        logger: Logger,
        onListening: (RPCServer.Address) async throws -> Void
    ) async throws {
        let group = signalledGroup([server] + companions, logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            do {
                try await onListening(try await server.listeningAddress())
            } catch {
                await group.triggerGracefulShutdown()
                // Binding failed: the group ends with the same error, which is then the one thrown.
                try await tasks.waitForAll()
                throw error
            }
            try await tasks.waitForAll()
        }
    }

    /// Runs `services` until SIGTERM or SIGINT, or until one of them returns (its work is done);
    /// either way the others then shut down gracefully, in reverse order. For processes that
    /// serve no RPCs, e.g. a client that streams a run and then ends.
    ///
    /// - Throws: what the first failing service throws.
    public static func run(services: [any Service], logger: Logger) async throws {
        try await signalledGroup(services, logger: logger, whenOneReturns: .gracefullyShutdownGroup).run()
    }

    /// A group with SIGTERM/SIGINT as graceful-shutdown signals. A server never returns before
    /// shutdown, so for it a return stays what ServiceGroup makes it by default: an error.
    private static func signalledGroup(
        _ services: [any Service], logger: Logger,
        whenOneReturns: ServiceGroupConfiguration.ServiceConfiguration.TerminationBehavior = .cancelGroup
    ) -> ServiceGroup {
        ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: services.map { .init(service: $0, successTerminationBehavior: whenOneReturns) },
                gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
    }
}
