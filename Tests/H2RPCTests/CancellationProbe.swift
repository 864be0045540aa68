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

    /// The handler body: announces itself, then waits (up to a minute, as a safety net) for its
    /// task to be cancelled.
    func hold(_ context: ServerContext) async throws {
        starts.add(1, ordering: .relaxed)
        started.fire()
        try await withTaskCancellationHandler {
            try await Task.sleep(for: .seconds(60))
        } onCancel: {
            self.contextSawCancellation.store(context.isCancelled, ordering: .relaxed)
            self.cancelled.fire()
        }
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
            try await self.hold(context)
            return request
        }
        router.registerBidirectionalStreaming(Self.bidiHold, deserializer: codec, serializer: codec) {
            _, _, context in
            try await self.hold(context)
        }
        router.registerServerStreaming(Self.streamHold, deserializer: codec, serializer: codec) {
            _, writer, context in
            try await writer.write([1])
            try await self.hold(context)
        }
        router.registerBidirectionalStreaming(Self.bidiEchoHold, deserializer: codec, serializer: codec) {
            requests, writer, context in
            for try await message in requests {
                try await writer.write(message)
                break
            }
            try await self.hold(context)
        }
        return router
    }
}
