// fuzz-modules: H2RPC NIOEmbedded
//
// libFuzzer entry (built by Scripts/fuzz): arbitrary bytes as a *server's* byte stream into the
// inbound path of one client connection, with no sockets. A `ClientConnection` in an
// `NIOAsyncTestingChannel` opens three calls (streams 1, 3, 5), then the input is fed in chunks,
// output is drained, the response queues are read, and the channel is closed. Any crash,
// sanitizer report or hang is a finding.
//
// Input layout: byte 0 picks the chunk size (1...256); if bit 7 of byte 1 is set, an empty
// SETTINGS frame (the server preface) is prepended.
import Dispatch
import Logging
import NIOCore
import NIOEmbedded

@testable import H2RPC

private let logger = Logger(label: "fuzz") { _ in SwiftLogNoOpLogHandler() }
private let serverPreface: [UInt8] = [0, 0, 0, 4, 0, 0, 0, 0, 0]

private let requestHeaders: [(name: String, value: String)] = [
    (":method", "POST"), (":scheme", "http"), (":path", "/fuzz.v1.Echo/Unary"), (":authority", "fuzz"),
    ("content-type", "application/grpc"), ("te", "trailers"),
]

/// One call's client-side state, as `RPCClient` would create it.
private struct OpenedCall: Sendable {
    let handle = ClientStreamHandle()
    let call = ClientCallState()
    let queue = InboundMessageQueue(bufferLimit: 4096, onCreditAvailable: { _ in })
    let gate = OutboundFlowGate(highWatermark: 4096, statistics: TransportStatistics())
}

private func exercise(_ input: [UInt8]) async throws {
    guard input.count >= 2 else { return }
    let chunkSize = Int(input[0]) + 1
    var stream = input[1] & 0x80 != 0 ? serverPreface : []
    stream += input.dropFirst(2)

    var configuration = ClientConfiguration()
    configuration.limits.maximumReceiveMessageSize = 1 << 16
    let channel = NIOAsyncTestingChannel()
    try await channel.pipeline.addHandler(
        ClientConnection(configuration: configuration, statistics: TransportStatistics(), logger: logger))
    try await channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 50_051))
    let calls = [OpenedCall(), OpenedCall(), OpenedCall()]
    try await channel.testingEventLoop.submit {
        let connection = try channel.pipeline.syncOperations.handler(type: ClientConnection.self)
        for (index, call) in calls.enumerated() {
            connection.openStream(
                handle: call.handle, headers: requestHeaders, call: call.call, inbound: call.queue,
                gate: call.gate,
                initialBody: MessageFraming.frame([UInt8(index)]), endBody: index != 2,
                timeout: index == 1 ? .seconds(30) : nil)
        }
    }.get()
    while try await channel.readOutbound(as: ByteBuffer.self) != nil {}

    var offset = 0
    while offset < stream.count, channel.isActive {
        let end = min(offset + chunkSize, stream.count)
        try await channel.writeInbound(ByteBuffer(bytes: stream[offset..<end]))
        offset = end
        while try await channel.readOutbound(as: ByteBuffer.self) != nil {}
    }
    _ = try? await channel.close()
    // Every call must have ended (with a status) once the connection is gone.
    for call in calls {
        while (try? await call.queue.next()) != nil {}
        precondition(call.call.status != nil, "a call was left without a status after close")
    }
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
