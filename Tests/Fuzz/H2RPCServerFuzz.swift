// fuzz-modules: H2RPC NIOEmbedded
//
// libFuzzer entry (built by Scripts/fuzz, not by SwiftPM): arbitrary bytes into the inbound path
// of one server connection, with no sockets. A `ServerConnection` (the real handler, its nghttp2
// session and a router with echo methods of every kind) sits in an `NIOAsyncTestingChannel`;
// the input is fed as the client's byte stream in chunks, output is drained, and the channel is
// closed. Any crash, sanitizer report or hang is a finding.
//
// Input layout: byte 0 picks the chunk size (1...256) for splitting the rest; if bit 7 of byte 1
// is set, a valid client preface is prepended so the fuzzer spends its time past the preface.
import Dispatch
import Logging
import NIOCore
import NIOEmbedded

@testable import H2RPC

private let codec = RawBytesCodec()

private let router: RPCRouter = {
    var router = RPCRouter()
    let service = "fuzz.v1.Echo"
    router.registerUnary(
        MethodDescriptor(service: service, method: "Unary", kind: .unary), deserializer: codec,
        serializer: codec
    ) { request, _ in request }
    router.registerClientStreaming(
        MethodDescriptor(service: service, method: "Collect", kind: .clientStreaming), deserializer: codec,
        serializer: codec
    ) { requests, _ in
        var total: [UInt8] = []
        for try await message in requests { total += message.prefix(16) }
        return total
    }
    router.registerServerStreaming(
        MethodDescriptor(service: service, method: "Expand", kind: .serverStreaming), deserializer: codec,
        serializer: codec
    ) { request, writer, _ in
        for byte in request.prefix(4) { try await writer.write([UInt8](repeating: byte, count: Int(byte))) }
    }
    router.registerBidirectionalStreaming(
        MethodDescriptor(service: service, method: "Bidi", kind: .bidirectionalStreaming),
        deserializer: codec,
        serializer: codec
    ) { requests, writer, _ in
        for try await message in requests { try await writer.write(message) }
    }
    return router
}()

private let configuration: ServerConfiguration = {
    var configuration = ServerConfiguration()
    configuration.limits.maximumReceiveMessageSize = 1 << 16
    configuration.bearerToken = nil
    return configuration
}()

private let logger = Logger(label: "fuzz") { _ in SwiftLogNoOpLogHandler() }
private let preface = Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8)

/// Runs one input through a fresh connection.
private func exercise(_ input: [UInt8]) async throws {
    guard input.count >= 2 else { return }
    let chunkSize = Int(input[0]) + 1
    var stream = input[1] & 0x80 != 0 ? preface : []
    stream += input.dropFirst(2)

    let channel = NIOAsyncTestingChannel()
    let handler = try ServerConnection(
        router: router, configuration: configuration, tracker: ServerCallTracker(),
        statistics: TransportStatistics(), logger: logger)
    try await channel.pipeline.addHandler(handler)
    try await channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 50_051))
    var offset = 0
    while offset < stream.count, channel.isActive {
        let end = min(offset + chunkSize, stream.count)
        try await channel.writeInbound(ByteBuffer(bytes: stream[offset..<end]))
        offset = end
        while try await channel.readOutbound(as: ByteBuffer.self) != nil {}
    }
    // Let handler tasks hop back and answer, then tear down.
    await Task.yield()
    await channel.testingEventLoop.run()
    while try await channel.readOutbound(as: ByteBuffer.self) != nil {}
    _ = try? await channel.close()
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = Array(UnsafeBufferPointer(start: data, count: size))
    let done = DispatchSemaphore(value: 0)
    Task {
        do {
            try await exercise(input)
        } catch {
            // Channel errors (e.g. writes after close) are expected outcomes, not findings.
        }
        done.signal()
    }
    done.wait()
    return 0
}
