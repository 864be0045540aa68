/// Sends the request messages of a client- or bidirectional-streaming call.
///
/// `write` suspends while the server is not granting flow-control window; `finish` half-closes
/// the request stream (done automatically when the request producer returns).
public struct RequestWriter<Message>: Sendable {
    let sink: ClientStreamSink
    let encode: @Sendable (Message) throws -> [UInt8]

    /// Sends one message.
    ///
    /// - Throws: `RPCError` (`RESOURCE_EXHAUSTED` when too large; the call's status once it ended)
    ///   or `CancellationError`.
    public func write(_ message: Message) async throws {
        let bytes: [UInt8]
        do {
            bytes = try encode(message)
        } catch let error as RPCError {
            throw error
        } catch {
            throw RPCError(code: .internal, message: "Failed to serialize a message: \(error)", cause: error)
        }
        try await sink.send(bytes)
    }

    /// Sends each message of a sequence in order.
    public func write(contentsOf messages: some Sequence<Message>) async throws {
        for message in messages { try await write(message) }
    }

    /// Half-closes the request stream: the server sees the end of its request sequence.
    public func finish() {
        sink.finish()
    }
}
