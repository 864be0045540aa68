import NIOCore

/// The request side of a client call: hands framed request messages to the connection, and
/// half-closes or cancels the stream.
///
/// Sendable because it holds only the event loop, a `NIOLoopBound` connection reference
/// (touched only inside `eventLoop.execute`) and thread-safe handle and gate.
struct ClientStreamSink: OutboundMessageSink {
    let eventLoop: any EventLoop
    let connection: NIOLoopBound<ClientConnection>
    let handle: ClientStreamHandle
    let gate: OutboundFlowGate
    let maximumMessageSize: Int
    let encoding: MessageEncoding

    var messageKind: String { "Request" }

    func enqueue(_ framed: [UInt8]) {
        let connection = self.connection
        let handle = self.handle
        eventLoop.execute { connection.value.sendMessage(handle: handle, framed: framed) }
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
