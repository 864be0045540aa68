/// Everything one handler run needs, bundled so the task that runs it captures one `Sendable`
/// value instead of a dozen locals.
struct HandlerInvocation: Sendable {
    let handler: RPCRouter.RawHandler
    let requests: RequestStream<[UInt8]>
    let sink: ServerStreamSink
    let context: ServerContext
    let maximumSendMessageSize: Int
    /// What the response is compressed with (gzip when configured and the client accepts it).
    let responseEncoding: MessageEncoding

    /// How a handler ended, as the event loop needs it to send the response's end.
    struct Outcome: Sendable {
        /// The framed single response of unary and client-streaming methods.
        var finalMessage: [UInt8]?
        var failure: RPCError?
        var trailing: Metadata
        /// Initial metadata not yet sent with headers (`nil` once taken).
        var initial: Metadata?
    }

    /// Runs the handler to its end and reports the outcome; never throws.
    func run() async -> Outcome {
        var outcome = Outcome(trailing: Metadata())
        do {
            if let response = try await handler.run(requests, sink, context) {
                guard response.count <= maximumSendMessageSize else {
                    throw RPCError(
                        code: .resourceExhausted,
                        message:
                            "Response message of \(response.count) bytes exceeds the limit of \(maximumSendMessageSize) bytes."
                    )
                }
                let framed = MessageFraming.frame(response, encoding: responseEncoding)
                try sink.gate.add(framed.count)
                outcome.finalMessage = framed
            }
        } catch {
            outcome.failure = RPCError.from(error)
        }
        outcome.trailing = context.response.trailing
        outcome.initial = context.response.takeInitial()
        return outcome
    }
}
