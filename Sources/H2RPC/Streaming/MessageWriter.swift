/// Sends the messages of one call's outbound stream; `write` suspends while the peer is slow.
///
/// The same type serves both roles: a server handler writes responses through it (as
/// `ResponseWriter`) and a client writes requests through it (inside `RequestWriter`, which adds
/// the half-close only a client has). Suspension is the send-side backpressure: once more than
/// `ConnectionLimits.streamSendHighWatermark` bytes wait for HTTP/2 flow-control window, `write`
/// waits until half of them have drained.
public struct MessageWriter<Message>: Sendable {
    let sink: any OutboundMessageSink
    let serialize: @Sendable (Message) throws(RPCError) -> [UInt8]

    /// Sends one message.
    ///
    /// - Throws: `RPCError` (`INTERNAL` when serialization fails, `RESOURCE_EXHAUSTED` when larger
    ///   than `ConnectionLimits.maximumSendMessageSize`, the call's status when it already ended)
    ///   or `CancellationError`.
    public func write(_ message: Message) async throws {
        try await sink.send(try serialize(message))
    }

    /// Sends each message of a sequence in order.
    public func write(contentsOf messages: some Sequence<Message>) async throws {
        for message in messages { try await write(message) }
    }
}

/// Sends the response messages of a server-streaming or bidirectional-streaming call.
public typealias ResponseWriter<Message> = MessageWriter<Message>
