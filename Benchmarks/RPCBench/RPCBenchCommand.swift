import ArgumentParser
import H2RPC
import Logging

#if canImport(Glibc)
    import Glibc
#endif

/// Benchmark driver for H2RPC: a raw-bytes echo server for h2load, and a bidi ping-pong client.
///
/// Kept out of the test suite on purpose: benchmarks print figures, tests assert behaviour.
/// `Scripts/bench-rpc` runs both against the same-run peers (grpcio, nghttpd).
@main
struct RPCBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rpc-bench",
        abstract: "H2RPC benchmark server and ping-pong client.",
        subcommands: [Serve.self, PingPong.self])
}

/// The methods every benchmark peer serves.
enum BenchMethods {
    static let echo = MethodDescriptor(service: "bench.v1.Bench", method: "Echo", kind: .unary)
    static let pingPong = MethodDescriptor(
        service: "bench.v1.Bench", method: "PingPong", kind: .bidirectionalStreaming)

    static func router() -> RPCRouter {
        let codec = RawBytesCodec()
        var router = RPCRouter()
        router.registerUnary(echo, deserializer: codec, serializer: codec) { request, _ in request }
        router.registerBidirectionalStreaming(pingPong, deserializer: codec, serializer: codec) {
            requests, writer, _ in
            for try await message in requests { try await writer.write(message) }
        }
        return router
    }
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Serve /bench.v1.Bench/Echo (unary) and /bench.v1.Bench/PingPong (bidi) until SIGTERM/SIGINT.")

    @Option(help: "Address to bind.")
    var host = "127.0.0.1"

    @Option(help: "Port to bind; 0 picks a free one. The bound port is printed as 'PORT <n>'.")
    var port = 0

    @Flag(help: "Run handlers on the connection's event loop instead of the global concurrent executor.")
    var handlersOnEventLoop = false

    func run() async throws {
        var logger = Logger(label: "rpc-bench")
        logger.logLevel = .warning
        var configuration = ServerConfiguration()
        configuration.host = host
        configuration.port = port
        if handlersOnEventLoop { configuration.handlerExecution = .connectionEventLoop }
        let server = RPCServer(router: BenchMethods.router(), configuration: configuration, logger: logger)
        try await ServerProcess.run(server: server, logger: logger) { address in
            print("PORT \(address.port)")
            fflush(nil)  // stdout is block-buffered when piped; the bench script waits for this line
        }
    }
}

struct PingPong: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Bidi ping-pong against a server: each stream sends a message and waits for its echo.")

    @Option(help: "Server port.")
    var port: Int

    @Option(help: "Server host.")
    var host = "127.0.0.1"

    @Option(help: "Concurrent bidi streams on the one connection.")
    var streams = 4

    @Option(help: "Measured duration in seconds (after a 1 s warm-up).")
    var seconds = 5.0

    @Option(help: "Payload bytes per message.")
    var size = 64

    func run() async throws {
        var logger = Logger(label: "rpc-bench")
        logger.logLevel = .warning
        let codec = RawBytesCodec()
        let payload = [UInt8](repeating: 0x5A, count: size)
        let clock = ContinuousClock()
        let total = try await withRPCClient(host: host, port: port, logger: logger) { client in
            try await withThrowingTaskGroup(of: Int.self) { group in
                let start = clock.now
                let warmupEnd = start + .seconds(1)
                let end = warmupEnd + .milliseconds(Int(seconds * 1000))
                for _ in 0..<streams {
                    group.addTask {
                        try await client.bidirectionalStreaming(
                            BenchMethods.pingPong, serializer: codec, deserializer: codec
                        ) { writer, responses in
                            var iterator = responses.makeAsyncIterator()
                            var counted = 0
                            while true {
                                let now = clock.now
                                if now >= end { break }
                                try await writer.write(payload)
                                guard try await iterator.next() != nil else { break }
                                if now >= warmupEnd { counted += 1 }
                            }
                            writer.finish()
                            return counted
                        }
                    }
                }
                var sum = 0
                for try await count in group { sum += count }
                return sum
            }
        }
        let rate = Double(total) / seconds
        print("PINGPONG messages_per_second=\(Int(rate)) streams=\(streams) size=\(size) seconds=\(seconds)")
    }
}
