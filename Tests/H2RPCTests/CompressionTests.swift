import Foundation
import SeededRandom
import Testing

@testable import H2RPC

/// Bytes that compress well and are not all one value, from a fixed seed.
private func compressibleBytes(_ count: Int, seed: UInt64 = 7) -> [UInt8] {
    var generator = SplitMix64(seed: seed)
    let words = (0..<16).map { _ in (0..<6).map { _ in generator.nextByte() % 26 + 97 } }
    var bytes: [UInt8] = []
    bytes.reserveCapacity(count)
    while bytes.count < count { bytes += words[Int(generator.nextByte() % 16)] + [32] }
    return Array(bytes.prefix(count))
}

/// A gRPC message prefix with `flag` and `length`.
private func prefix(flag: UInt8, length: Int) -> [UInt8] {
    [
        flag, UInt8(length >> 24 & 0xFF), UInt8(length >> 16 & 0xFF), UInt8(length >> 8 & 0xFF),
        UInt8(length & 0xFF),
    ]
}

@Suite("gzip through zlib")
struct GzipTests {
    @Test(arguments: [0, 1, 1000, 300_000])
    func roundTrips(count: Int) throws {
        let original = compressibleBytes(count)
        let compressed = Gzip.compress(original)
        #expect(compressed.starts(with: [0x1f, 0x8b]))  // a gzip member, as grpc-encoding: gzip requires
        if count >= 1000 { #expect(compressed.count < original.count / 2) }
        #expect(try Gzip.decompress(compressed, limit: count) == original)
    }

    @Test func aZipBombStopsAtTheLimit() throws {
        let bomb = Gzip.compress([UInt8](repeating: 0, count: 8 << 20))
        #expect(bomb.count < 16 << 10)
        #expect(throws: Gzip.InflateFailure.tooLarge(limit: 64 << 10)) {
            try Gzip.decompress(bomb, limit: 64 << 10)
        }
        // One byte over the limit is refused too; exactly the limit is accepted.
        let exact = Gzip.compress(compressibleBytes(4096))
        #expect(throws: Gzip.InflateFailure.tooLarge(limit: 4095)) { try Gzip.decompress(exact, limit: 4095) }
        #expect(try Gzip.decompress(exact, limit: 4096).count == 4096)
    }

    @Test func corruptStreamsAreRefused() throws {
        let good = Gzip.compress(compressibleBytes(5000))
        var flipped = good
        flipped[good.count / 2] ^= 0xFF
        var badTrailer = good
        badTrailer[good.count - 6] ^= 0x01  // CRC-32
        let cases: [[UInt8]] = [
            [], [1, 2, 3, 4], Array(good.prefix(good.count - 3)), flipped, badTrailer, good + [0],
        ]
        for bytes in cases {
            let failure = try #require(throws: Gzip.InflateFailure.self) {
                try Gzip.decompress(bytes, limit: 1 << 20)
            }
            guard case .corrupt(let reason) = failure else {
                Issue.record("expected corrupt, got \(failure)")
                continue
            }
            #expect(!reason.isEmpty)
        }
    }
}

@Suite("Deframing compressed messages")
struct CompressedDeframerTests {
    @Test func framingWithGzipSetsTheFlagAndTheDeframerInflates() throws {
        let message = compressibleBytes(10_000)
        let framed = MessageFraming.frame(message, encoding: .gzip)
        #expect(framed[0] == 1)
        #expect(framed.count < message.count / 2)
        var deframer = MessageDeframer(maximumMessageSize: 10_000)
        deframer.encoding = .gzip
        var messages: [[UInt8]] = []
        var wireLengths: [Int] = []
        // Fed in small pieces, and followed by an uncompressed message (flag 0 stays legal).
        let stream = framed + MessageFraming.frame([1, 2, 3])
        for start in stride(from: 0, to: stream.count, by: 97) {
            try stream[start..<min(start + 97, stream.count)].withUnsafeBytes {
                try deframer.append($0, into: &messages, wireLengths: &wireLengths)
            }
        }
        try deframer.finish()
        #expect(messages == [message, [1, 2, 3]])
        #expect(wireLengths == [framed.count, 8])
    }

    @Test func failuresMapToTheSpecStatuses() throws {
        func failure(_ bytes: [UInt8], encoding: MessageEncoding, limit: Int) -> MessageDeframer.Failure? {
            var deframer = MessageDeframer(maximumMessageSize: limit)
            deframer.encoding = encoding
            var messages: [[UInt8]] = []
            do {
                try bytes.withUnsafeBytes { try deframer.append($0, into: &messages) }
                return nil
            } catch let failure as MessageDeframer.Failure {
                return failure
            } catch {
                Issue.record("unexpected \(error)")
                return nil
            }
        }
        let bomb = Gzip.compress([UInt8](repeating: 0, count: 1 << 20))
        let tooLarge = try #require(
            failure(prefix(flag: 1, length: bomb.count) + bomb, encoding: .gzip, limit: 4096))
        #expect(tooLarge.rpcError.code == .resourceExhausted)
        #expect(tooLarge.rpcError.message.contains("4096"))

        let corrupt = try #require(
            failure(prefix(flag: 1, length: 4) + [9, 9, 9, 9], encoding: .gzip, limit: 4096))
        #expect(corrupt.rpcError.code == .internal)
        #expect(corrupt.rpcError.message.contains("gzip"))

        let unnegotiated = try #require(
            failure(prefix(flag: 1, length: 1) + [9], encoding: .identity, limit: 4096))
        #expect(unnegotiated == .compressedWithoutEncoding)
    }

    @Test func encodingHeaders() {
        #expect(MessageEncoding(headerValue: "gzip", acceptsGzip: true) == .gzip)
        #expect(MessageEncoding(headerValue: "GZIP", acceptsGzip: true) == .gzip)
        #expect(MessageEncoding(headerValue: "gzip", acceptsGzip: false) == nil)
        #expect(MessageEncoding(headerValue: "identity", acceptsGzip: false) == .identity)
        #expect(MessageEncoding(headerValue: "br", acceptsGzip: true) == nil)
        #expect(MessageEncoding.acceptsGzip("identity, deflate,gzip"))
        #expect(!MessageEncoding.acceptsGzip("identity,deflate"))
        #expect(!MessageEncoding.acceptsGzip(nil))
    }
}

@Suite("grpc-encoding: gzip between client and server")
struct CompressionTransportTests {
    let codec = RawBytesCodec()

    static func configurations(
        serverSends: Bool, clientSends: Bool, serverAccepts: Bool = true, clientAccepts: Bool = true
    ) -> (ServerConfiguration, ClientConfiguration) {
        var server = ServerConfiguration()
        server.compression = CompressionConfiguration(acceptsGzip: serverAccepts, sendsGzip: serverSends)
        var client = ClientConfiguration()
        client.compression = CompressionConfiguration(acceptsGzip: clientAccepts, sendsGzip: clientSends)
        return (server, client)
    }

    @Test(arguments: [(false, true), (true, false), (true, true)])
    func everyKindRoundTripsCompressed(serverSends: Bool, clientSends: Bool) async throws {
        let (server, client) = Self.configurations(serverSends: serverSends, clientSends: clientSends)
        let large = compressibleBytes(200_000)
        try await TestSupport.withServerAndClient(configuration: server, clientConfiguration: client) {
            _, client in
            let echoed = try await client.unary(
                TestSupport.unaryEcho, request: large, serializer: codec, deserializer: codec)
            #expect(echoed == large)
            let collected = try await client.clientStreaming(
                TestSupport.collect, serializer: codec, deserializer: codec
            ) { writer in
                for index in 0..<20 { try await writer.write([UInt8(index)] + large.prefix(1000)) }
            }
            #expect(collected.message.count == 20 * 1001)
            let rounds = try await client.bidirectionalStreaming(
                TestSupport.bidiEcho, serializer: codec, deserializer: codec
            ) { writer, responses in
                var iterator = responses.makeAsyncIterator()
                for index in 0..<50 {
                    let message = [UInt8(index)] + large.prefix(index * 10)
                    try await writer.write(message)
                    let reply = try await iterator.next()
                    #expect(reply == message)
                }
                writer.finish()
                #expect(try await iterator.next() == nil)
                return 50
            }
            #expect(rounds == 50)
        }
    }

    @Test func aServerThatDoesNotAcceptGzipAnswersUnimplementedNamingIt() async throws {
        let (server, client) = Self.configurations(
            serverSends: false, clientSends: true, serverAccepts: false)
        try await TestSupport.withServerAndClient(configuration: server, clientConfiguration: client) {
            _, client in
            let error = try await #require(throws: RPCError.self) {
                try await client.unary(
                    TestSupport.unaryEcho, request: [1, 2, 3], serializer: codec, deserializer: codec)
            }
            #expect(error.code == .unimplemented)
            #expect(error.message.contains("'gzip'"))
        }
    }

    @Test func aClientThatDoesNotAcceptGzipGetsIdentityResponses() async throws {
        let (server, client) = Self.configurations(
            serverSends: true, clientSends: false, clientAccepts: false)
        try await TestSupport.withServerAndClient(configuration: server, clientConfiguration: client) {
            _, client in
            let echoed = try await client.unary(
                TestSupport.unaryEcho, request: [UInt8](repeating: 5, count: 5000), serializer: codec,
                deserializer: codec)
            #expect(echoed == [UInt8](repeating: 5, count: 5000))
        }
    }

    @Test func aCompressedResponsePastTheClientLimitIsResourceExhausted() async throws {
        var (server, client) = Self.configurations(serverSends: true, clientSends: false)
        client.limits.maximumReceiveMessageSize = 64 << 10
        try await TestSupport.withServerAndClient(configuration: server, clientConfiguration: client) {
            _, client in
            // 1 MiB of zeros is about 1 KiB on the wire: only the inflated size exceeds the limit.
            let error = try await #require(throws: RPCError.self) {
                try await client.unary(
                    TestSupport.unaryEcho, request: [UInt8](repeating: 0, count: 1 << 20), serializer: codec,
                    deserializer: codec)
            }
            #expect(error.code == .resourceExhausted, "\(error)")
        }
    }
}

/// The server seen from `nghttp`, an HTTP/2 client independent of ours.
@Suite("grpc-encoding on the wire")
struct CompressionWireTests {
    static func post(
        _ body: [UInt8], headers: [String], configuration: ServerConfiguration = ServerConfiguration()
    ) async throws -> String {
        try await TestSupport.withServer(configuration: configuration) { _, port in
            try await NGHTTPClient.post(
                port: port, path: TestSupport.unaryEcho.fullPath, body: body, headers: headers)
        }
    }

    @Test func responsesAdvertiseTheAcceptedEncodings() async throws {
        let output = try await Self.post(MessageBytes.framed([1]), headers: [])
        #expect(output.contains("grpc-accept-encoding: gzip, identity"), "\(output)")
        #expect(output.contains("grpc-status: 0"))
        #expect(!output.contains("grpc-encoding: gzip"))
    }

    @Test func anUnknownEncodingIsUnimplementedNamingIt() async throws {
        let output = try await Self.post(MessageBytes.framed([1]), headers: ["grpc-encoding: br"])
        #expect(output.contains("grpc-status: 12"), "\(output)")
        #expect(output.contains("grpc-message: Message encoding 'br' is not supported"), "\(output)")
        #expect(output.contains("grpc-accept-encoding: gzip, identity"))
    }

    @Test func aGzipRequestIsServedAndTheResponseCompressedWhenConfigured() async throws {
        let message = compressibleBytes(20_000)
        let compressed = Gzip.compress(message)
        var configuration = ServerConfiguration()
        configuration.compression.sendsGzip = true
        let output = try await Self.post(
            prefix(flag: 1, length: compressed.count) + compressed,
            headers: ["grpc-encoding: gzip", "grpc-accept-encoding: gzip"], configuration: configuration)
        #expect(output.contains("grpc-status: 0"), "\(output)")
        #expect(output.contains("grpc-encoding: gzip"), "\(output)")
        // The DATA frames carry the compressed echo, far smaller than the 20,005 framed bytes.
        let received = output.split(separator: "\n").filter { $0.contains("recv DATA frame") }
        let lengths = received.compactMap { line -> Int? in
            guard let range = line.range(of: "length=") else { return nil }
            return Int(line[range.upperBound...].prefix { $0.isNumber })
        }
        #expect(!lengths.isEmpty && lengths.reduce(0, +) < message.count / 2, "\(received)")
    }

    @Test func aClientThatDoesNotListGzipGetsIdentity() async throws {
        var configuration = ServerConfiguration()
        configuration.compression.sendsGzip = true
        let output = try await Self.post(MessageBytes.framed([1]), headers: [], configuration: configuration)
        #expect(output.contains("grpc-status: 0"))
        #expect(!output.contains("grpc-encoding: gzip"))
    }

    @Test func corruptGzipIsInternalAndABombIsResourceExhausted() async throws {
        let corrupt = try await Self.post(
            prefix(flag: 1, length: 6) + [0x1f, 0x8b, 8, 0, 0, 0], headers: ["grpc-encoding: gzip"])
        #expect(corrupt.contains("grpc-status: 13"), "\(corrupt)")
        var configuration = ServerConfiguration()
        configuration.limits.maximumReceiveMessageSize = 64 << 10
        let bomb = Gzip.compress([UInt8](repeating: 0, count: 8 << 20))
        let exhausted = try await Self.post(
            prefix(flag: 1, length: bomb.count) + bomb, headers: ["grpc-encoding: gzip"],
            configuration: configuration)
        #expect(exhausted.contains("grpc-status: 8"), "\(exhausted)")
    }
}
