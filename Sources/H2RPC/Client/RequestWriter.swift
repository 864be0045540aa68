/// Sends the request messages of a client- or bidirectional-streaming call.
///
/// A `MessageWriter` plus the one thing only a client can do mid-call: `finish` half-closes the
/// request stream (done automatically when the request producer returns) while responses keep
/// arriving. `write` suspends while the server is not granting flow-control window.
public struct RequestWriter<Message>: Sendable {
    let messages: MessageWriter<Message>
    let sink: ClientStreamSink

    init(sink: ClientStreamSink, serializer: some MessageSerializer<Message>) {
        self.messages = MessageWriter(
            sink: sink,
            serialize: { message throws(RPCError) in
                try serializer.serializeForSending(message, kind: "request")
            })
        self.sink = sink
    }

    /// Sends one message; see `MessageWriter.write(_:)`.
    public func write(_ message: Message) async throws {
        try await messages.write(message)
    }

    /// Sends each message of a sequence in order.
    public func write(contentsOf messages: some Sequence<Message>) async throws {
        try await self.messages.write(contentsOf: messages)
    }

    /// Half-closes the request stream: the server sees the end of its request sequence.
    public func finish() {
        sink.finish()
    }
}
