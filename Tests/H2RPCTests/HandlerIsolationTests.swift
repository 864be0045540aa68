import H2RPC
import NIOPosix
import Synchronization
import Testing

/// Handlers never run on the I/O event loops by default, and quick calls are served while other
/// handlers keep the CPU busy (issue 14, item 5).
@Suite struct HandlerIsolationTests {
    let codec = RawBytesCodec()
    static let whereAmI = TestSupport.method("WhereAmI", .unary)
    static let whereAmIStreaming = TestSupport.method("WhereAmIStreaming", .bidirectionalStreaming)
    static let spin = TestSupport.method("Spin", .unary)

    @Test func handlersDoNotRunOnEventLoopsByDefault() async throws {
        var router = TestSupport.echoRouter()
        router.registerUnary(Self.whereAmI, deserializer: codec, serializer: codec) { _, _ in
            [MultiThreadedEventLoopGroup.currentEventLoop == nil ? 1 : 0]
        }
        router.registerBidirectionalStreaming(Self.whereAmIStreaming, deserializer: codec, serializer: codec)
        {
            requests, writer, _ in
            for try await _ in requests {
                try await writer.write([MultiThreadedEventLoopGroup.currentEventLoop == nil ? 1 : 0])
            }
        }
        try await TestSupport.withServerAndClient(router) { _, client in
            for _ in 0..<20 {
                let unary = try await client.unary(
                    Self.whereAmI, request: [], serializer: codec, deserializer: codec)
                #expect(unary == [1])
            }
            let streamed = try await client.bidirectionalStreaming(
                Self.whereAmIStreaming, serializer: codec, deserializer: codec
            ) { writer, responses in
                for _ in 0..<10 { try await writer.write([0]) }
                writer.finish()
                var all: [UInt8] = []
                for try await message in responses { all += message }
                return all
            }
            #expect(streamed == [UInt8](repeating: 1, count: 10))
        }
    }

    @Test func quickCallsFinishWhileOtherHandlersHoldTheCPU() async throws {
        let spinning = Atomic<Int>(0)
        let stoppedByCancellation = Atomic<Int>(0)
        var router = TestSupport.echoRouter()
        router.registerUnary(Self.spin, deserializer: codec, serializer: codec) { request, _ in
            spinning.add(1, ordering: .relaxed)
            // Busy work in slices, checking cancellation between them; bounded to a minute.
            let clock = ContinuousClock()
            let end = clock.now + .seconds(60)
            var accumulator: UInt64 = 0
            while !Task.isCancelled && clock.now < end {
                for value in 0..<50_000 { accumulator = accumulator &* 31 &+ UInt64(value) }
                await Task.yield()
            }
            if Task.isCancelled { stoppedByCancellation.add(1, ordering: .relaxed) }
            return request + [UInt8(truncatingIfNeeded: accumulator)]
        }
        try await TestSupport.withServerAndClient(router) { _, client in
            let spinners = (0..<4).map { _ in
                Task {
                    try await client.unary(Self.spin, request: [], serializer: codec, deserializer: codec)
                }
            }
            #expect(await eventually { spinning.load(ordering: .relaxed) == 4 })
            let clock = ContinuousClock()
            let begin = clock.now
            for index in 0..<20 {
                let echoed = try await client.unary(
                    TestSupport.unaryEcho, request: [UInt8(index)], serializer: codec, deserializer: codec,
                    options: CallOptions(timeout: .seconds(20)))
                #expect(echoed == [UInt8(index)])
            }
            #expect(clock.now - begin < .seconds(20))
            for spinner in spinners { spinner.cancel() }
            for spinner in spinners { _ = await spinner.result }
            #expect(await eventually { stoppedByCancellation.load(ordering: .relaxed) == 4 })
        }
    }
}
