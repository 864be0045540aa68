/// The transport side of a `MessageWriter`, for either role: the client's request stream or the
/// server's response stream.
///
/// Both roles send a message the same way (check the size limit, frame it, count it against the
/// stream's `OutboundFlowGate`, hand it to the connection's event loop, then wait while the
/// stream is above its high-water mark), so that sequence lives once in `send`. A conforming
/// type supplies only how framed bytes reach its connection.
protocol OutboundMessageSink: Sendable {
    /// Which messages this sink sends, for error messages: `"Request"` or `"Response"`.
    var messageKind: String { get }
    /// The largest message `send` accepts (`ConnectionLimits.maximumSendMessageSize`).
    var maximumMessageSize: Int { get }
    /// Counts the stream's unsent bytes and suspends `send` above the high-water mark.
    var gate: OutboundFlowGate { get }
    /// What messages are compressed with before framing.
    var encoding: MessageEncoding { get }

    /// Hands `framed` (already counted by `gate`) to the connection's event loop.
    ///
    /// - Throws: `RPCError` when the bytes cannot be sent; `send` then releases them from `gate`.
    func enqueue(_ framed: [UInt8]) throws(RPCError)
}

extension OutboundMessageSink {
    /// Uncompressed unless the sink says otherwise.
    var encoding: MessageEncoding { .identity }

    /// Sends one serialized message; suspends while the peer is not granting window.
    ///
    /// - Throws: `RPCError` (`RESOURCE_EXHAUSTED` when larger than `maximumMessageSize`; the
    ///   call's status once it ended) or `CancellationError`.
    func send(_ message: [UInt8]) async throws {
        guard message.count <= maximumMessageSize else {
            throw RPCError(
                code: .resourceExhausted,
                message:
                    "\(messageKind) message of \(message.count) bytes exceeds the limit of \(maximumMessageSize) bytes."
            )
        }
        try Task.checkCancellation()
        let framed = MessageFraming.frame(message, encoding: encoding)
        // Counted before the event loop can see the bytes, so its `release` never runs first.
        try gate.add(framed.count)
        do {
            try enqueue(framed)
        } catch {
            gate.release(framed.count)
            throw error
        }
        try await gate.waitForCapacity()
    }
}
