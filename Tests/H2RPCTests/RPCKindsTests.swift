import H2RPC
import Testing

/// Every call shape over a real loopback connection.
@Suite struct RPCKindsTests {
    let codec = RawBytesCodec()

    @Test(arguments: [0, 1, 100, 70_000])
    func unaryEchoesPayload(size: Int) async throws {
        let payload = (0..<size).map { UInt8(truncatingIfNeeded: $0 * 31) }
        let echoed = try await TestSupport.withServerAndClient { _, client in
            try await client.unary(
                TestSupport.unaryEcho, request: payload, serializer: codec, deserializer: codec)
        }
        #expect(echoed == payload)
    }

    @Test func clientStreamingCollectsAllMessages() async throws {
        let response = try await TestSupport.withServerAndClient { _, client in
            try await client.clientStreaming(
                TestSupport.collect, serializer: codec, deserializer: codec
            ) { writer in
                for index in 0..<50 { try await writer.write([UInt8(index)]) }
            }
        }
        #expect(response.message == (0..<50).map { UInt8($0) })
    }

    @Test func serverStreamingDeliversEveryMessageInOrder() async throws {
        let received = try await TestSupport.withServerAndClient { _, client in
            try await client.serverStreaming(
                TestSupport.expand, request: [200], serializer: codec, deserializer: codec
            ) { responses in
                var all: [[UInt8]] = []
                for try await message in responses { all.append(message) }
                return all
            }
        }
        #expect(received == (0..<200).map { [UInt8($0)] })
    }

    @Test func bidirectionalStreamingPingPong() async throws {
        let rounds = try await TestSupport.withServerAndClient { _, client in
            try await client.bidirectionalStreaming(
                TestSupport.bidiEcho, serializer: codec, deserializer: codec
            ) { writer, responses in
                var iterator = responses.makeAsyncIterator()
                var count = 0
                for index in 0..<100 {
                    try await writer.write([UInt8(index), 7])
                    let echoed = try await iterator.next()
                    #expect(echoed == [UInt8(index), 7])
                    count += 1
                }
                writer.finish()
                let observed4 = try await iterator.next()
                #expect(observed4 == nil)
                return count
            }
        }
        #expect(rounds == 100)
    }
}

/// The same calls with handlers on the connection's event loop.
@Suite struct EventLoopExecutionTests {
    let codec = RawBytesCodec()

    @Test func everyKindWorksWithHandlersOnTheEventLoop() async throws {
        var configuration = ServerConfiguration()
        configuration.handlerExecution = .connectionEventLoop
        try await TestSupport.withServerAndClient(configuration: configuration) { _, client in
            let echoed = try await client.unary(
                TestSupport.unaryEcho, request: [1, 2, 3], serializer: codec, deserializer: codec)
            #expect(echoed == [1, 2, 3])
            let collected = try await client.clientStreaming(
                TestSupport.collect, serializer: codec, deserializer: codec
            ) { writer in
                try await writer.write([1])
                try await writer.write([2])
            }
            #expect(collected.message == [1, 2])
            let expanded = try await client.serverStreaming(
                TestSupport.expand, request: [3], serializer: codec, deserializer: codec
            ) { responses in
                var all: [[UInt8]] = []
                for try await message in responses { all.append(message) }
                return all
            }
            #expect(expanded == [[0], [1], [2]])
            let payload = [UInt8](repeating: 9, count: 3 << 20)
            let bidi = try await client.bidirectionalStreaming(
                TestSupport.bidiEcho, serializer: codec, deserializer: codec
            ) { writer, responses in
                try await writer.write(payload)
                writer.finish()
                var sizes: [Int] = []
                for try await message in responses { sizes.append(message.count) }
                return sizes
            }
            #expect(bidi == [3 << 20])
        }
    }
}
