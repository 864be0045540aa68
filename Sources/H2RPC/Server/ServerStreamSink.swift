import NIOCore

/// The writer side of a server call: frames response messages and hands them to the connection.
///
/// Sendable because it only holds the event loop, a `NIOLoopBound` reference to the connection
/// (touched only inside `eventLoop.execute`) and thread-safe gate and metadata boxes.
struct ServerStreamSink: OutboundMessageSink {
    let eventLoop: any EventLoop
    let connection: NIOLoopBound<ServerConnection>
    let streamID: Int32
    let gate: OutboundFlowGate
    let response: ResponseMetadataBox
    let maximumMessageSize: Int

    func send(_ message: [UInt8]) async throws {
        guard message.count <= maximumMessageSize else {
            throw RPCError(
                code: .resourceExhausted,
                message:
                    "Response message of \(message.count) bytes exceeds the limit of \(maximumMessageSize) bytes."
            )
        }
        try Task.checkCancellation()
        var initialHeaders: [(name: String, value: String)]?
        if let initial = response.takeInitial() {
            initialHeaders = try MetadataWireFormat.encode(initial)
        }
        let framed = MessageFraming.frame(message)
        try gate.add(framed.count)
        let connection = self.connection
        let streamID = self.streamID
        let headers = initialHeaders
        eventLoop.execute {
            connection.value.sendMessage(streamID: streamID, framed: framed, initialMetadata: headers)
        }
        try await gate.waitForCapacity()
    }
}
