import H2RPC
import SeededRandom
import Testing

/// Hostile or broken peers get a precise status or a closed connection, and never disturb other
/// clients of the same server.
@Suite struct BadInputTests {
    let codec = RawBytesCodec()

    /// Runs `attack` against a server while a well-behaved client checks it keeps working.
    func withBystander(_ attack: (Int) async throws -> Void) async throws {
        try await TestSupport.withServer { _, port in
            try await withRPCClient(host: "127.0.0.1", port: port, logger: TestSupport.logger) { client in
                let observed2 = try await client.unary(
                    TestSupport.unaryEcho, request: [1], serializer: codec, deserializer: codec)
                #expect(observed2 == [1])
                try await attack(port)
                let observed3 = try await client.unary(
                    TestSupport.unaryEcho, request: [2], serializer: codec, deserializer: codec)
                #expect(observed3 == [2])
            }
        }
    }

    @Test func garbageInsteadOfPrefaceClosesTheConnection() async throws {
        try await withBystander { port in
            var generator = SplitMix64(seed: 7)
            let garbage =
                Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8) + (0..<4096).map { _ in generator.nextByte() }
            let outcome = try await RawSocket.exchange(port: port, payload: garbage)
            #expect(outcome.closedByServer)
        }
    }

    @Test func truncatedFrameThenEOFClosesTheConnection() async throws {
        try await withBystander { port in
            let settings = RawSocket.frame(type: 4, flags: 0, streamID: 0, payload: [])
            let truncated = RawSocket.frame(
                type: 1, flags: 4, streamID: 1, payload: [0x82, 0x86], declaredLength: 40)
            let outcome = try await RawSocket.exchange(
                port: port, payload: RawSocket.preface + settings + truncated, shutdownWrite: true)
            #expect(outcome.closedByServer)
        }
    }

    @Test func oversizedFrameIsAConnectionError() async throws {
        try await withBystander { port in
            let settings = RawSocket.frame(type: 4, flags: 0, streamID: 0, payload: [])
            // A DATA frame announcing 10 MB, beyond SETTINGS_MAX_FRAME_SIZE.
            let huge = RawSocket.frame(
                type: 0, flags: 0, streamID: 1, payload: [0, 0, 0], declaredLength: 10_000_000)
            let outcome = try await RawSocket.exchange(
                port: port, payload: RawSocket.preface + settings + huge)
            #expect(outcome.closedByServer)
            // A GOAWAY frame (type 7) was sent before closing.
            #expect(Self.containsFrame(type: 7, in: outcome.received))
        }
    }

    @Test func randomFramesAfterAValidPrefaceNeverCrashTheServer() async throws {
        try await withBystander { port in
            var generator = SplitMix64(seed: 42)
            for _ in 0..<20 {
                var payload = RawSocket.preface + RawSocket.frame(type: 4, flags: 0, streamID: 0, payload: [])
                for _ in 0..<8 {
                    let body = (0..<Int(generator.nextByte() % 40)).map { _ in generator.nextByte() }
                    payload += RawSocket.frame(
                        type: generator.nextByte() % 10, flags: generator.nextByte(),
                        streamID: UInt32(generator.nextByte() % 8), payload: body)
                }
                _ = try await RawSocket.exchange(port: port, payload: payload, timeout: .milliseconds(300))
            }
        }
    }

    @Test func unknownMethodGetsUnimplemented() async throws {
        try await withBystander { port in
            let output = try await NGHTTPClient.post(
                port: port, path: "/test.v1.Echo/Nope", body: MessageBytes.framed([1]))
            #expect(output.contains("grpc-status: 12"))
        }
    }

    @Test(arguments: [
        ([1, 0, 0, 0, 1, 9] as [UInt8], "grpc-status: 12"),  // compressed flag, no grpc-encoding
        ([7, 0, 0, 0, 1, 9], "grpc-status: 13"),  // invalid flag
        ([0, 0, 0, 0, 10, 1, 2, 3], "grpc-status: 13"),  // length prefix longer than the stream
        ([0, 0x00, 0x50, 0x00, 0x00, 1, 2], "grpc-status: 8"),  // 5 MiB announced > 4 MiB limit
        ([0, 0, 0], "grpc-status: 13"),  // truncated prefix
    ])
    func invalidLengthPrefixesGetPreciseStatuses(body: [UInt8], expected: String) async throws {
        try await withBystander { port in
            let output = try await NGHTTPClient.post(
                port: port, path: TestSupport.unaryEcho.fullPath, body: body)
            #expect(output.contains(expected), "\(output)")
        }
    }

    @Test func nonGRPCContentTypeGets415() async throws {
        try await withBystander { port in
            let output = try await NGHTTPClient.post(
                port: port, path: TestSupport.unaryEcho.fullPath, body: MessageBytes.framed([1]),
                contentType: "application/json")
            #expect(output.contains(":status: 415"))
        }
    }

    @Test func protobufContentTypeIsAccepted() async throws {
        try await withBystander { port in
            let output = try await NGHTTPClient.post(
                port: port, path: TestSupport.unaryEcho.fullPath, body: MessageBytes.framed([1]),
                contentType: "application/grpc+proto")
            #expect(output.contains("grpc-status: 0"))
        }
    }

    @Test func invalidTimeoutAndBinaryMetadataAreInvalidArgument() async throws {
        try await withBystander { port in
            let badTimeout = try await NGHTTPClient.post(
                port: port, path: TestSupport.unaryEcho.fullPath, body: MessageBytes.framed([1]),
                headers: ["grpc-timeout: soon"])
            #expect(badTimeout.contains("grpc-status: 3"))
            let badBinary = try await NGHTTPClient.post(
                port: port, path: TestSupport.unaryEcho.fullPath, body: MessageBytes.framed([1]),
                headers: ["trace-bin: !!!"])
            #expect(badBinary.contains("grpc-status: 3"))
        }
    }

    static func containsFrame(type: UInt8, in bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset + 9 <= bytes.count {
            let length = Int(bytes[offset]) << 16 | Int(bytes[offset + 1]) << 8 | Int(bytes[offset + 2])
            if bytes[offset + 3] == type { return true }
            offset += 9 + length
        }
        return false
    }
}

extension SplitMix64 {
    /// One random byte (the low 8 bits of a draw), for random frame payloads.
    mutating func nextByte() -> UInt8 { UInt8(truncatingIfNeeded: next()) }
}

/// HPACK and frames for raw clients that must look valid to get past nghttp2.
enum RawRequests {
    /// A literal header field without indexing (no Huffman); names and values under 127 bytes.
    static func literal(_ name: String, _ value: String) -> [UInt8] {
        [0, UInt8(name.utf8.count)] + Array(name.utf8) + [UInt8(value.utf8.count)] + Array(value.utf8)
    }

    /// A HEADERS frame (END_HEADERS) opening a gRPC call on `streamID`.
    static func headers(streamID: UInt32, path: String) -> [UInt8] {
        let block =
            literal(":method", "POST") + literal(":scheme", "http") + literal(":path", path)
            + literal(":authority", "test") + literal("content-type", "application/grpc")
            + literal("te", "trailers")
        return RawSocket.frame(type: 1, flags: 4, streamID: streamID, payload: block)
    }

    /// RST_STREAM(CANCEL).
    static func reset(streamID: UInt32) -> [UInt8] {
        RawSocket.frame(type: 3, flags: 0, streamID: streamID, payload: [0, 0, 0, 8])
    }
}

@Suite struct RapidResetTests {
    let codec = RawBytesCodec()

    @Test func aFloodOfStreamResetsClosesTheConnectionWithEnhanceYourCalm() async throws {
        var configuration = ServerConfiguration()
        configuration.maximumResetsPerSecond = 100
        try await TestSupport.withServer(configuration: configuration) { _, port in
            try await withRPCClient(host: "127.0.0.1", port: port, logger: TestSupport.logger) { client in
                var flood = RawSocket.preface + RawSocket.frame(type: 4, flags: 0, streamID: 0, payload: [])
                for index in 0..<400 {
                    let streamID = UInt32(2 * index + 1)
                    flood += RawRequests.headers(streamID: streamID, path: TestSupport.bidiEcho.fullPath)
                    flood += RawRequests.reset(streamID: streamID)
                }
                let outcome = try await RawSocket.exchange(port: port, payload: flood)
                #expect(outcome.closedByServer)
                // GOAWAY with ENHANCE_YOUR_CALM (0xb) in its error-code field.
                #expect(BadInputTests.goAwayErrorCodes(in: outcome.received).contains(0xB))
                let echoed = try await client.unary(
                    TestSupport.unaryEcho, request: [5], serializer: codec, deserializer: codec)
                #expect(echoed == [5])
            }
        }
    }

    @Test func occasionalResetsAreFine() async throws {
        try await TestSupport.withServer { _, port in
            var traffic = RawSocket.preface + RawSocket.frame(type: 4, flags: 0, streamID: 0, payload: [])
            for index in 0..<20 {
                let streamID = UInt32(2 * index + 1)
                traffic += RawRequests.headers(streamID: streamID, path: TestSupport.bidiEcho.fullPath)
                traffic += RawRequests.reset(streamID: streamID)
            }
            let outcome = try await RawSocket.exchange(
                port: port, payload: traffic, timeout: .milliseconds(500))
            #expect(!outcome.closedByServer)
        }
    }
}

extension BadInputTests {
    /// Error codes of the GOAWAY frames in a server's byte stream.
    static func goAwayErrorCodes(in bytes: [UInt8]) -> [UInt32] {
        var codes: [UInt32] = []
        var offset = 0
        while offset + 9 <= bytes.count {
            let length = Int(bytes[offset]) << 16 | Int(bytes[offset + 1]) << 8 | Int(bytes[offset + 2])
            if bytes[offset + 3] == 7, offset + 9 + 8 <= bytes.count {
                let start = offset + 9 + 4
                codes.append(
                    UInt32(bytes[start]) << 24 | UInt32(bytes[start + 1]) << 16 | UInt32(bytes[start + 2])
                        << 8
                        | UInt32(bytes[start + 3]))
            }
            offset += 9 + length
        }
        return codes
    }
}
