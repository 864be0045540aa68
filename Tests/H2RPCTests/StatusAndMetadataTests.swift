import H2RPC
import Testing

/// Statuses produced by handlers and by the transport, and metadata in both directions.
@Suite struct StatusAndMetadataTests {
    let codec = RawBytesCodec()
    static let fail = TestSupport.method("Fail", .unary)
    static let crash = TestSupport.method("Crash", .unary)
    static let strict = TestSupport.method("Strict", .unary)
    static let inspect = TestSupport.method("Inspect", .unary)
    static let partial = TestSupport.method("Partial", .serverStreaming)

    struct Boom: Error, CustomStringConvertible {
        var description: String { "boom happened" }
    }

    struct RejectEmpty: MessageDeserializer {
        func deserialize(_ bytes: [UInt8]) throws -> [UInt8] {
            guard !bytes.isEmpty else { throw Boom() }
            return bytes
        }
    }

    static func router() -> RPCRouter {
        var router = TestSupport.echoRouter()
        let codec = RawBytesCodec()
        router.registerUnary(fail, deserializer: codec, serializer: codec) { request, _ -> [UInt8] in
            // Request byte = status code to fail with.
            var trailers = Metadata()
            trailers.add("reason-bin", binary: [0, 1, 2])
            throw RPCError(
                code: RPCError.Code(rawValue: Int(request[0])), message: "failed ✓ 100%", metadata: trailers)
        }
        router.registerUnary(crash, deserializer: codec, serializer: codec) { _, _ -> [UInt8] in
            throw Boom()
        }
        router.registerUnary(strict, deserializer: RejectEmpty(), serializer: codec) { request, _ in request }
        router.registerUnary(inspect, deserializer: codec, serializer: codec) { _, context in
            var initial = Metadata()
            initial.add("initial-key", "initial-value")
            context.setResponseMetadata(initial)
            var trailing = Metadata()
            trailing.add("echo-bin", binary: context.metadata.firstBinary("blob-bin") ?? [])
            context.addTrailingMetadata(trailing)
            let summary = [
                context.metadata.firstString("x-user") ?? "-", context.method.fullPath,
                context.deadline == nil ? "no-deadline" : "deadline",
            ]
            return Array(summary.joined(separator: "|").utf8)
        }
        router.registerServerStreaming(partial, deserializer: codec, serializer: codec) { _, writer, _ in
            try await writer.write([1])
            try await writer.write([2])
            throw RPCError(code: .dataLoss, message: "lost the rest")
        }
        return router
    }

    @Test(arguments: RPCError.Code.allStandard.dropFirst())
    func handlerErrorReachesClientWithCodeMessageAndTrailers(code: RPCError.Code) async throws {
        let error = try await TestSupport.withServerAndClient(Self.router()) { _, client in
            await #expect(throws: RPCError.self) {
                try await client.unary(
                    Self.fail, request: [UInt8(code.rawValue)], serializer: codec, deserializer: codec)
            }
        }
        let received = try #require(error)
        #expect(received.code == code)
        #expect(received.message == "failed ✓ 100%")
        #expect(received.metadata.firstBinary("reason-bin") == [0, 1, 2])
    }

    @Test func otherThrownErrorsBecomeUnknownWithTheirDescription() async throws {
        try await TestSupport.withServerAndClient(Self.router()) { _, client in
            let error = await #expect(throws: RPCError.self) {
                try await client.unary(Self.crash, request: [1], serializer: codec, deserializer: codec)
            }
            #expect(error?.code == .unknown)
            #expect(error?.message.contains("boom happened") == true)
        }
    }

    @Test func unknownMethodIsUnimplemented() async throws {
        try await TestSupport.withServerAndClient(Self.router()) { _, client in
            let error = await #expect(throws: RPCError.self) {
                try await client.unary(
                    TestSupport.method("Missing", .unary), request: [1], serializer: codec,
                    deserializer: codec)
            }
            #expect(error?.code == .unimplemented)
            #expect(error?.message.contains("/test.v1.Echo/Missing") == true)
        }
    }

    @Test func undecodableRequestIsInvalidArgument() async throws {
        try await TestSupport.withServerAndClient(Self.router()) { _, client in
            let error = await #expect(throws: RPCError.self) {
                try await client.unary(Self.strict, request: [], serializer: codec, deserializer: codec)
            }
            #expect(error?.code == .invalidArgument)
            let observed1 = try await client.unary(
                Self.strict, request: [5], serializer: codec, deserializer: codec)
            #expect(observed1 == [5])
        }
    }

    @Test func errorAfterStreamedMessagesArrivesAfterThem() async throws {
        try await TestSupport.withServerAndClient(Self.router()) { _, client in
            var received: [[UInt8]] = []
            let error = await #expect(throws: RPCError.self) {
                try await client.serverStreaming(
                    Self.partial, request: [], serializer: codec, deserializer: codec
                ) { responses in
                    for try await message in responses { received.append(message) }
                }
            }
            #expect(received == [[1], [2]])
            #expect(error?.code == .dataLoss)
            #expect(error?.message == "lost the rest")
        }
    }

    @Test func metadataFlowsBothWaysIncludingBinaryKeys() async throws {
        try await TestSupport.withServerAndClient(Self.router()) { _, client in
            var metadata = Metadata()
            metadata.add("x-user", "alice")
            metadata.add("blob-bin", binary: [255, 0, 128, 7])
            let response = try await client.unaryWithMetadata(
                Self.inspect, request: [], serializer: codec, deserializer: codec, metadata: metadata,
                options: CallOptions(timeout: .seconds(30)))
            #expect(
                String(decoding: response.message, as: UTF8.self) == "alice|/test.v1.Echo/Inspect|deadline")
            #expect(response.metadata.firstString("initial-key") == "initial-value")
            #expect(response.trailingMetadata.firstBinary("echo-bin") == [255, 0, 128, 7])
        }
    }

    @Test func invalidOutgoingMetadataFailsBeforeSending() async throws {
        try await TestSupport.withServerAndClient(Self.router()) { _, client in
            let error = await #expect(throws: RPCError.self) {
                try await client.unary(
                    TestSupport.unaryEcho, request: [1], serializer: codec, deserializer: codec,
                    metadata: ["content-type": "text/plain"])
            }
            #expect(error?.code == .internal)
        }
    }
}
