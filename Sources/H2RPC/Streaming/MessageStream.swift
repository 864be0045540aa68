/// The messages a peer sends on one call, as an `AsyncSequence`, for either role.
///
/// A server handler reads requests through it (as `RequestStream`); a client reads responses
/// through it (inside `ResponseStream`, which adds the response metadata). Reading is what
/// returns HTTP/2 flow-control credit to the peer: a reader that stops reading eventually stops
/// the peer. Iteration ends when the peer ends its stream (the client half-closes, or the server
/// sends status OK); otherwise it throws `RPCError` (an undecodable or oversized message, the
/// call's failure status) or `CancellationError`.
public struct MessageStream<Message: Sendable>: AsyncSequence, Sendable {
    public typealias Element = Message

    let queue: InboundMessageQueue
    let decode: @Sendable ([UInt8]) throws -> Message

    /// Reads the next message of the stream.
    public struct AsyncIterator: AsyncIteratorProtocol {
        let queue: InboundMessageQueue
        let decode: @Sendable ([UInt8]) throws -> Message

        /// The next message, or `nil` once the peer ended the stream successfully.
        public mutating func next() async throws -> Message? {
            guard let bytes = try await queue.next() else { return nil }
            return try decode(bytes)
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(queue: queue, decode: decode)
    }

    /// Reads exactly one message, as the single-message side of a call requires.
    ///
    /// - Parameters:
    ///   - kind: `"request"` or `"response"`, for the error message.
    ///   - peer: `"client"` or `"server"`, for the error message.
    /// - Throws: `RPCError` (`INTERNAL`) when the peer sent none or more than one.
    func single(kind: String, from peer: String) async throws -> Message {
        var iterator = makeAsyncIterator()
        guard let first = try await iterator.next() else {
            throw RPCError(code: .internal, message: "The \(peer) sent no \(kind) message.")
        }
        if try await iterator.next() != nil {
            throw RPCError(code: .internal, message: "The \(peer) sent more than one \(kind) message.")
        }
        return first
    }
}

/// The request messages of a client-streaming or bidirectional-streaming call, as a handler sees
/// them. Iteration ends when the client half-closes; an undecodable message is
/// `INVALID_ARGUMENT`, an oversized one `RESOURCE_EXHAUSTED`, a dead call `CANCELLED`.
public typealias RequestStream<Message: Sendable> = MessageStream<Message>
