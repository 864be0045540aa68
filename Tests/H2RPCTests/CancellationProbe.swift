import H2RPC
import Synchronization

/// Watches one kind of handler: when it started, and whether its task saw cancellation through a
/// cancellation handler with `ServerContext.isCancelled` already true.
final class CancellationProbe: Sendable {
    let started = Signal()
    let cancelled = Signal()
    private let starts = Atomic<Int>(0)
    private let contextSawCancellation = Atomic<Bool>(false)

    var startCount: Int { starts.load(ordering: .relaxed) }
    var contextWasCancelled: Bool { contextSawCancellation.load(ordering: .relaxed) }

    /// Runs a handler's whole body so that its task's cancellation fires `cancelled` wherever it
    /// lands: a deadline can pass while the handler is still writing its first message (a slow
    /// test machine), before it reaches `hold`.
    func observingCancellation<T: Sendable>(_ context: ServerContext, _ body: () async throws -> T)
        async throws -> T
    {
        try await withTaskCancellationHandler {
            try await body()
        } onCancel: {
            self.contextSawCancellation.store(context.isCancelled, ordering: .relaxed)
            self.cancelled.fire()
        }
    }

    /// Announces that the handler is holding, then waits (up to a minute, as a safety net) for
    /// its task to be cancelled.
    func hold() async throws {
        starts.add(1, ordering: .relaxed)
        started.fire()
        try await Task.sleep(for: .seconds(60))
    }

    static let unaryHold = TestSupport.method("UnaryHold", .unary)
    static let bidiHold = TestSupport.method("BidiHold", .bidirectionalStreaming)
    /// Writes one message, then holds.
    static let streamHold = TestSupport.method("StreamHold", .serverStreaming)
    /// Echoes the first request message, then holds.
    static let bidiEchoHold = TestSupport.method("BidiEchoHold", .bidirectionalStreaming)

    /// The echo router plus the three holding methods.
    func router() -> RPCRouter {
        var router = TestSupport.echoRouter()
        let codec = RawBytesCodec()
        router.registerUnary(Self.unaryHold, deserializer: codec, serializer: codec) { request, context in
            try await self.observingCancellation(context) {
                try await self.hold()
                return request
            }
        }
        router.registerBidirectionalStreaming(Self.bidiHold, deserializer: codec, serializer: codec) {
            _, _, context in
            try await self.observingCancellation(context) { try await self.hold() }
        }
        router.registerServerStreaming(Self.streamHold, deserializer: codec, serializer: codec) {
            _, writer, context in
            try await self.observingCancellation(context) {
                try await writer.write([1])
                try await self.hold()
            }
        }
        router.registerBidirectionalStreaming(Self.bidiEchoHold, deserializer: codec, serializer: codec) {
            requests, writer, context in
            try await self.observingCancellation(context) {
                for try await message in requests {
                    try await writer.write(message)
                    break
                }
                try await self.hold()
            }
        }
        return router
    }
}
