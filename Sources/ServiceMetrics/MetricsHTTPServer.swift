public import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
public import ServiceLifecycle

/// A bound HTTP/1.1 listener serving `GET /metrics` for one `ServiceMetrics`, apart from the
/// service's own port so scrapers never compete with RPC traffic (and the port can stay private).
///
/// `bind` opens the socket (so a busy port fails at start-up, before the service announces
/// itself); `run`, as a swift-service-lifecycle `Service`, keeps it open until graceful shutdown
/// or cancellation, then closes it.
public final class MetricsHTTPServer: Service, Sendable {
    /// The bound host and port (port 0 resolved).
    public let host: String
    public let port: Int
    private let channel: any Channel
    private let logger: Logger

    private init(channel: any Channel, host: String, port: Int, logger: Logger) {
        self.channel = channel
        self.host = host
        self.port = port
        self.logger = logger
    }

    /// Binds `host:port` (0 picks a free port) and starts answering scrapes.
    ///
    /// - Throws: `MetricsServerError` naming the address when it cannot be bound.
    public static func bind(
        host: String, port: Int, metrics: ServiceMetrics, logger: Logger
    ) async throws(MetricsServerError) -> MetricsHTTPServer {
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 64)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(MetricsHTTPHandler(metrics: metrics))
                }
            }
        let channel: any Channel
        do {
            channel = try await bootstrap.bind(host: host, port: port).get()
        } catch {
            throw MetricsServerError(message: "cannot bind the metrics port \(host):\(port): \(error)")
        }
        let bound = channel.localAddress?.port ?? port
        return MetricsHTTPServer(channel: channel, host: host, port: bound, logger: logger)
    }

    /// Serves until graceful shutdown or cancellation, then closes the listener.
    public func run() async throws {
        try? await gracefulShutdown()
        await close()
    }

    /// Stops listening; open scrape connections close with it.
    public func close() async {
        do {
            try await channel.close()
        } catch ChannelError.alreadyClosed {
            return
        } catch {
            logger.debug("closing the metrics listener: \(error)")
        }
    }
}

/// The metrics port could not be opened.
public struct MetricsServerError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
