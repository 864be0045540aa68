/// The response messages of a call, as an `AsyncSequence`, with its metadata.
///
/// Iteration ends normally on status OK; any other status is thrown as `RPCError` after the
/// messages that preceded it. Reading returns flow-control credit to the server, so a caller that
/// stops reading eventually stops the server.
public struct ResponseStream<Message: Sendable>: AsyncSequence, Sendable {
    public typealias Element = Message

    let queue: InboundMessageQueue
    let call: ClientCallState
    let decode: @Sendable ([UInt8]) throws -> Message

    public struct AsyncIterator: AsyncIteratorProtocol {
        let queue: InboundMessageQueue
        let decode: @Sendable ([UInt8]) throws -> Message

        public mutating func next() async throws -> Message? {
            guard let bytes = try await queue.next() else { return nil }
            return try decode(bytes)
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(queue: queue, decode: decode)
    }

    /// The server's initial response metadata; waits for the response headers.
    public func initialMetadata() async throws -> Metadata {
        try await call.initialMetadata()
    }

    /// Trailing metadata; complete once iteration has ended.
    public var trailingMetadata: Metadata { call.trailingMetadata }
}

/// A unary or client-streaming response with its metadata.
public struct ClientResponse<Message: Sendable>: Sendable {
    /// The response message.
    public var message: Message
    /// Initial response metadata.
    public var metadata: Metadata
    /// Trailing metadata.
    public var trailingMetadata: Metadata
}
