import NIOCore

/// The writer side of a client call: frames request messages and hands them to the connection.
///
/// Sendable because it holds only the event loop, a `NIOLoopBound` connection reference
/// (touched only inside `eventLoop.execute`) and thread-safe handle and gate.
struct ClientStreamSink: OutboundMessageSink {
    let eventLoop: any EventLoop
    let connection: NIOLoopBound<ClientConnection>
    let handle: ClientStreamHandle
    let gate: OutboundFlowGate
    let maximumMessageSize: Int

    func send(_ message: [UInt8]) async throws {
        guard message.count <= maximumMessageSize else {
            throw RPCError(
                code: .resourceExhausted,
                message:
                    "Request message of \(message.count) bytes exceeds the limit of \(maximumMessageSize) bytes."
            )
        }
        try Task.checkCancellation()
        let framed = MessageFraming.frame(message)
        try gate.add(framed.count)
        let connection = self.connection
        let handle = self.handle
        eventLoop.execute { connection.value.sendMessage(handle: handle, framed: framed) }
        try await gate.waitForCapacity()
    }

    func finish() {
        let connection = self.connection
        let handle = self.handle
        eventLoop.execute { connection.value.endRequest(handle: handle) }
    }

    func cancel(_ error: RPCError) {
        let connection = self.connection
        let handle = self.handle
        eventLoop.execute { connection.value.cancelStream(handle: handle, error: error) }
    }
}
