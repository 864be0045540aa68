public import Logging
public import NIOCore
public import NIOPosix
public import ServiceLifecycle
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A gRPC server over HTTP/2: a swift-service-lifecycle `Service` that serves a router's methods.
///
/// `run()` binds, serves until graceful shutdown (or task cancellation), then sends GOAWAY to
/// every connection, lets in-flight calls finish within `shutdownGracePeriod`, closes, and
/// returns once every handler task has ended.
public final class RPCServer: Service, Sendable {
    /// Where a running server listens.
    public struct Address: Sendable, Hashable, CustomStringConvertible {
        public var host: String
        public var port: Int
        public var description: String { "\(host):\(port)" }
    }

    private struct State {
        var listener: (any Channel)?
        var address: Address?
        var addressWaiters: [CheckedContinuation<Address, any Error>] = []
        var startupError: RPCError?
        var connections: [ObjectIdentifier: any Channel] = [:]
        var isShuttingDown = false
        /// One per connection drained by `beginGracefulShutdown`: succeeds once its GOAWAY is sent.
        var shutdownAnnouncements: [EventLoopFuture<Void>] = []
    }

    private let router: RPCRouter
    private let configuration: ServerConfiguration
    private let logger: Logger
    private let group: any EventLoopGroup
    private let state = Mutex(State())
    private let tracker = ServerCallTracker()
    /// Live counters (open streams, buffered response bytes) for tests and monitoring.
    public let statistics = TransportStatistics()
    /// Request bytes held across all connections (`maximumBufferedInboundBytesPerServer`).
    private let inboundBudget: ServerInboundBudget

    /// Creates a server; nothing is bound until `run()`.
    ///
    /// - Parameters:
    ///   - router: the methods to serve.
    ///   - configuration: address and limits.
    ///   - logger: where connection and call events are logged; the library never bootstraps logging.
    ///   - eventLoopGroup: NIO event loops to run connections on (default: the shared singleton).
    public init(
        router: RPCRouter, configuration: ServerConfiguration = ServerConfiguration(), logger: Logger,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) {
        self.router = router
        self.configuration = configuration
        self.logger = logger
        self.group = eventLoopGroup
        self.inboundBudget = ServerInboundBudget(
            limit: configuration.maximumBufferedInboundBytesPerServer, statistics: statistics)
        SignalSetup.ignoreSIGPIPE()
    }

    /// The address the server is bound to; waits until `run()` has bound it.
    ///
    /// - Throws: `RPCError` (`.unavailable`) when binding failed or the server already stopped.
    public func listeningAddress() async throws -> Address {
        try await withCheckedThrowingContinuation { continuation in
            let result: Result<Address, RPCError>? = state.withLock { state in
                if let address = state.address { return .success(address) }
                if let error = state.startupError { return .failure(error) }
                state.addressWaiters.append(continuation)
                return nil
            }
            if let result { continuation.resume(with: result) }
        }
    }

    /// Serves until graceful shutdown or cancellation.
    ///
    /// - Throws: `RPCError`: `INVALID_ARGUMENT` naming the configuration field out of range,
    ///   `UNAVAILABLE` when the address cannot be bound.
    public func run() async throws {
        do { try configuration.validate() } catch {
            failStartup(error)
            throw error
        }
        let listener: any Channel
        do {
            listener = try await bind()
        } catch {
            let rpcError = RPCError(
                code: .unavailable,
                message: "Could not bind \(configuration.host):\(configuration.port): \(error)", cause: error)
            failStartup(rpcError)
            throw rpcError
        }
        let port = listener.localAddress?.port ?? configuration.port
        let address = Address(host: configuration.host, port: port)
        let waiters = state.withLock { state in
            state.listener = listener
            state.address = address
            defer { state.addressWaiters = [] }
            return state.addressWaiters
        }
        for waiter in waiters { waiter.resume(returning: address) }
        logger.info("RPC server listening", metadata: ["address": "\(address)"])

        await withTaskCancellationHandler {
            await withGracefulShutdownHandler {
                try? await listener.closeFuture.get()
            } onGracefulShutdown: {
                self.beginGracefulShutdown(gracePeriod: self.configuration.shutdownGracePeriod)
            }
        } onCancel: {
            self.beginGracefulShutdown(gracePeriod: .zero)
        }
        // The listener is closed: wait for connections to drain, then for handler tasks.
        while let channel = state.withLock({ $0.connections.values.first }) {
            try? await channel.closeFuture.get()
            state.withLock { _ = $0.connections.removeValue(forKey: ObjectIdentifier(channel)) }
        }
        await tracker.waitUntilIdle()
        state.withLock { state in
            state.startupError = RPCError(code: .unavailable, message: "The server has stopped.")
            state.address = nil
        }
        logger.info("RPC server stopped", metadata: ["address": "\(address)"])
    }

    /// Stops accepting connections, sends GOAWAY on every connection and closes them once their
    /// calls end or `gracePeriod` passes. `run()` returns when all of that is done.
    public func beginGracefulShutdown(gracePeriod: Duration? = nil) {
        let grace = gracePeriod ?? configuration.shutdownGracePeriod
        let (listener, connections): ((any Channel)?, [any Channel]) = state.withLock { state in
            state.isShuttingDown = true
            return (state.listener, Array(state.connections.values))
        }
        listener?.close(promise: nil)
        let announcements = connections.map { Self.drain($0, gracePeriod: grace) }
        state.withLock { $0.shutdownAnnouncements += announcements }
    }

    /// Returns once every connection open at `beginGracefulShutdown` has sent its GOAWAY: the
    /// drain runs on each connection's event loop, later than the call that asked for it, so a
    /// test that needs the GOAWAY on the wire before a response waits here rather than for time.
    func shutdownAnnounced() async {
        let announcements = state.withLock { $0.shutdownAnnouncements }
        for announcement in announcements { try? await announcement.get() }
    }

    @discardableResult
    private static func drain(_ channel: any Channel, gracePeriod: Duration) -> EventLoopFuture<Void> {
        channel.eventLoop.submit {
            guard let handler = try? channel.pipeline.syncOperations.handler(type: ServerConnection.self)
            else {
                channel.close(promise: nil)
                return
            }
            handler.beginGracefulShutdown(gracePeriod: gracePeriod)
        }
    }

    private func failStartup(_ error: RPCError) {
        let waiters = state.withLock { state in
            state.startupError = error
            defer { state.addressWaiters = [] }
            return state.addressWaiters
        }
        for waiter in waiters { waiter.resume(throwing: error) }
    }

    private func bind() async throws -> any Channel {
        let router = self.router
        let configuration = self.configuration
        let tracker = self.tracker
        let statistics = self.statistics
        let logger = self.logger
        let inboundBudget = self.inboundBudget
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
            .childChannelOption(.maxMessagesPerRead, value: 16)
            .childChannelInitializer { [weak self] channel in
                guard let self else { return channel.eventLoop.makeSucceededVoidFuture() }
                return channel.eventLoop.makeCompletedFuture {
                    var connectionLogger = logger
                    connectionLogger[metadataKey: "peer"] = "\(channel.remoteAddress?.description ?? "?")"
                    let handler = try ServerConnection(
                        router: router, configuration: configuration, tracker: tracker,
                        statistics: statistics,
                        logger: connectionLogger, inboundBudget: inboundBudget)
                    try channel.pipeline.syncOperations.addHandler(handler)
                    self.track(channel)
                }
            }
        return try await bootstrap.bind(host: configuration.host, port: configuration.port).get()
    }

    private func track(_ channel: any Channel) {
        let key = ObjectIdentifier(channel)
        let shuttingDown = state.withLock { state in
            state.connections[key] = channel
            return state.isShuttingDown
        }
        channel.closeFuture.whenComplete { [weak self] _ in
            self?.state.withLock { _ = $0.connections.removeValue(forKey: key) }
        }
        if shuttingDown {
            Self.drain(channel, gracePeriod: .zero)
        }
    }
}

/// Process-wide signal setup the transport needs.
enum SignalSetup {
    /// Ignores SIGPIPE so a peer closing its socket never kills the process.
    static func ignoreSIGPIPE() {
        _ = signalIgnored
    }

    private static let signalIgnored: Bool = {
        signal(SIGPIPE, SIG_IGN)
        return true
    }()
}
