public import Logging
public import NIOCore
public import NIOPosix

/// A server that `withRPCServer` keeps running for its body: where it listens, and the server
/// itself for its statistics or an early graceful shutdown.
public struct RunningRPCServer: Sendable {
    /// The bound address (port 0 in the configuration resolved to the real port).
    public let address: RPCServer.Address
    /// The running server.
    public let server: RPCServer
}

/// Runs `body` while a server serves `services`, then shuts the server down.
///
/// The scoped form of `RPCServer.run()`, in the manner of grpc-swift 2's `withGRPCServer`: the
/// server is bound before `body` starts (so `body` sees the real port when the configuration
/// asks for port 0), and it is stopped before this function returns, gracefully (in-flight calls
/// get `configuration.shutdownGracePeriod`) when `body` returns, at once when `body` throws.
///
/// - Parameters:
///   - configuration: address and limits.
///   - services: the services to serve, registered in order on one router.
///   - logger: where server events go.
///   - eventLoopGroup: NIO event loops to run connections on.
///   - body: runs while the server serves; gets its address.
/// - Throws: `RPCError` (`UNAVAILABLE` or `INVALID_ARGUMENT`) when the server cannot start;
///   otherwise what `body` throws.
public func withRPCServer<Result>(
    configuration: ServerConfiguration = ServerConfiguration(),
    services: [any RPCService],
    logger: Logger,
    eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
    _ body: (RunningRPCServer) async throws -> Result
) async throws -> Result {
    var router = RPCRouter()
    for service in services { router.register(service) }
    return try await withRPCServer(
        configuration: configuration, router: router, logger: logger, eventLoopGroup: eventLoopGroup, body)
}

/// Runs `body` while a server serves `router`'s methods, then shuts the server down.
///
/// The same as `withRPCServer(configuration:services:logger:eventLoopGroup:_:)` for a router
/// built by hand (methods registered one by one rather than as services).
public func withRPCServer<Result>(
    configuration: ServerConfiguration = ServerConfiguration(),
    router: RPCRouter,
    logger: Logger,
    eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
    _ body: (RunningRPCServer) async throws -> Result
) async throws -> Result {
    let server = RPCServer(
        router: router, configuration: configuration, logger: logger, eventLoopGroup: eventLoopGroup)
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await server.run() }
        let address: RPCServer.Address
        do {
            address = try await server.listeningAddress()
        } catch {
            // The server could not start: `run()` ends with the same error, which names the cause.
            try await group.waitForAll()
            throw error
        }
        let result: Result
        do {
            result = try await body(RunningRPCServer(address: address, server: server))
        } catch {
            server.beginGracefulShutdown(gracePeriod: .zero)
            try? await group.waitForAll()
            throw error
        }
        server.beginGracefulShutdown()
        try await group.waitForAll()
        return result
    }
}
