/// The messages a client sends on one call, as an `AsyncSequence`.
///
/// Reading is what returns HTTP/2 flow-control credit to the client: a handler that stops reading
/// eventually stops the client. Iteration ends when the client half-closes; it throws `RPCError`
/// (`INVALID_ARGUMENT` for an undecodable message, `RESOURCE_EXHAUSTED` for an oversized one,
/// `CANCELLED` when the call dies) or `CancellationError`.
public struct RequestStream<Message: Sendable>: AsyncSequence, Sendable {
    public typealias Element = Message

    let queue: InboundMessageQueue
    let decode: @Sendable ([UInt8]) throws -> Message

    init(queue: InboundMessageQueue, decode: @escaping @Sendable ([UInt8]) throws -> Message) {
        self.queue = queue
        self.decode = decode
    }

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

    /// Reads exactly one message, as unary and server-streaming calls require.
    func single() async throws -> Message {
        var iterator = makeAsyncIterator()
        guard let first = try await iterator.next() else {
            throw RPCError(code: .internal, message: "The client sent no request message.")
        }
        if try await iterator.next() != nil {
            throw RPCError(code: .internal, message: "The client sent more than one request message.")
        }
        return first
    }
}
