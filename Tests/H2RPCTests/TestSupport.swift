import Foundation
import H2RPC
import Logging

/// Shared fixtures: a logger that discards output, raw-bytes methods and a server run for the
/// duration of one test.
enum TestSupport {
    /// Silent unless `H2RPC_TEST_LOG=1`, which prints debug logs to stderr for diagnosis.
    static let logger: Logger = {
        if ProcessInfo.processInfo.environment["H2RPC_TEST_LOG"] == "1" {
            var logger = Logger(label: "h2rpc-tests") { StreamLogHandler.standardError(label: $0) }
            logger.logLevel = .trace
            return logger
        }
        return Logger(label: "h2rpc-tests") { _ in SwiftLogNoOpLogHandler() }
    }()
    static let codec = RawBytesCodec()

    static func method(_ name: String, _ kind: RPCKind) -> MethodDescriptor {
        MethodDescriptor(service: "test.v1.Echo", method: name, kind: kind)
    }

    static let unaryEcho = method("UnaryEcho", .unary)
    static let collect = method("Collect", .clientStreaming)
    static let expand = method("Expand", .serverStreaming)
    static let bidiEcho = method("BidiEcho", .bidirectionalStreaming)

    /// A router with echo-style methods of every kind.
    static func echoRouter() -> RPCRouter {
        var router = RPCRouter()
        router.registerUnary(unaryEcho, deserializer: codec, serializer: codec) { request, _ in request }
        router.registerClientStreaming(collect, deserializer: codec, serializer: codec) { requests, _ in
            var all: [UInt8] = []
            for try await message in requests { all += message }
            return all
        }
        router.registerServerStreaming(expand, deserializer: codec, serializer: codec) { request, writer, _ in
            // Request: [count]; responds with `count` messages [0], [1], ...
            for index in 0..<Int(request.first ?? 0) {
                try await writer.write([UInt8(truncatingIfNeeded: index)])
            }
        }
        router.registerBidirectionalStreaming(bidiEcho, deserializer: codec, serializer: codec) {
            requests, writer, _ in
            for try await message in requests { try await writer.write(message) }
        }
        return router
    }

    /// Runs a server on a free loopback port for the duration of `body`, then shuts it down.
    static func withServer<Result>(
        _ router: RPCRouter = echoRouter(),
        configuration: ServerConfiguration = ServerConfiguration(),
        _ body: (RPCServer, Int) async throws -> Result
    ) async throws -> Result {
        try await withRPCServer(configuration: configuration, router: router, logger: logger) { running in
            try await body(running.server, running.address.port)
        }
    }

    /// Runs a server and a client connected to it.
    static func withServerAndClient<Result>(
        _ router: RPCRouter = echoRouter(),
        configuration: ServerConfiguration = ServerConfiguration(),
        clientConfiguration: ClientConfiguration = ClientConfiguration(),
        _ body: (RPCServer, RPCClient) async throws -> Result
    ) async throws -> Result {
        try await withServer(router, configuration: configuration) { server, port in
            try await withRPCClient(
                host: "127.0.0.1", port: port, configuration: clientConfiguration, logger: logger
            ) { client in
                try await body(server, client)
            }
        }
    }
}
