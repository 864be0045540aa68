/// The response messages of a call, as an `AsyncSequence`, with its metadata.
///
/// A `MessageStream` plus what only a client has: the server's initial and trailing metadata.
/// Iteration ends normally on status OK; any other status is thrown as `RPCError` after the
/// messages that preceded it. Reading returns flow-control credit to the server, so a caller that
/// stops reading eventually stops the server.
public struct ResponseStream<Message: Sendable>: AsyncSequence, Sendable {
    public typealias Element = Message
    public typealias AsyncIterator = MessageStream<Message>.AsyncIterator

    let messages: MessageStream<Message>
    let call: ClientCallState

    public func makeAsyncIterator() -> AsyncIterator {
        messages.makeAsyncIterator()
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
