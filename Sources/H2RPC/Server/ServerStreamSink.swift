import NIOCore

/// The response side of a server call: hands framed response messages to the connection, with
/// the initial metadata before the first one.
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
    let encoding: MessageEncoding

    var messageKind: String { "Response" }

    func enqueue(_ framed: [UInt8]) throws(RPCError) {
        var initialHeaders: [(name: String, value: String)]?
        if let initial = response.takeInitial() {
            initialHeaders = try MetadataWireFormat.encode(initial)
        }
        let connection = self.connection
        let streamID = self.streamID
        let headers = initialHeaders
        eventLoop.execute {
            connection.value.sendMessage(streamID: streamID, framed: framed, initialMetadata: headers)
        }
    }
}
