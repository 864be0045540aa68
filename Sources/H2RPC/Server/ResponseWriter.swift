/// Sends response messages of one call; `write` suspends while the client is slow.
///
/// Suspension is the send-side backpressure: once more than the configured high-water mark of
/// bytes is waiting for HTTP/2 flow-control window, `write` waits until half of it has drained.
public struct ResponseWriter<Message>: Sendable {
    let core: OutboundMessageSink
    let encode: @Sendable (Message) throws -> [UInt8]

    init(core: OutboundMessageSink, encode: @escaping @Sendable (Message) throws -> [UInt8]) {
        self.core = core
        self.encode = encode
    }

    /// Sends one message.
    ///
    /// - Throws: `RPCError` (`RESOURCE_EXHAUSTED` when larger than the send limit, the call's
    ///   status when it already ended) or `CancellationError`.
    public func write(_ message: Message) async throws {
        let bytes: [UInt8]
        do {
            bytes = try encode(message)
        } catch let error as RPCError {
            throw error
        } catch {
            throw RPCError(code: .internal, message: "Failed to serialize a message: \(error)", cause: error)
        }
        try await core.send(bytes)
    }

    /// Sends each message of a sequence in order.
    public func write(contentsOf messages: some Sequence<Message>) async throws {
        for message in messages { try await write(message) }
    }
}

/// The transport side of a writer: frames messages and hands them to the stream's event loop.
protocol OutboundMessageSink: Sendable {
    func send(_ message: [UInt8]) async throws
}
