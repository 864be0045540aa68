import Testing

@testable import H2RPC

/// The byte-level encodings: timeouts, base64, status messages, message framing, metadata.
@Suite struct WireFormatTests {
    @Test(arguments: [
        ("1H", Duration.seconds(3600)), ("2M", .seconds(120)), ("3S", .seconds(3)),
        ("40m", .milliseconds(40)), ("500u", .microseconds(500)), ("99999999n", .nanoseconds(99_999_999)),
    ])
    func parsesEveryTimeoutUnit(text: String, expected: Duration) {
        #expect(GRPCTimeout.parse(text) == expected)
    }

    @Test(arguments: ["", "S", "10", "123456789S", "-1S", "1x", "1.5S", " 1S"])
    func rejectsInvalidTimeouts(text: String) {
        #expect(GRPCTimeout.parse(text) == nil)
    }

    @Test(arguments: [
        Duration.nanoseconds(1), .microseconds(1500), .milliseconds(250), .seconds(30),
        .seconds(86_400 * 365),
    ])
    func encodedTimeoutsRoundTripWithoutShortening(duration: Duration) throws {
        let text = GRPCTimeout.encode(duration)
        #expect(text.utf8.count <= 9)
        let parsed = try #require(GRPCTimeout.parse(text))
        #expect(parsed >= duration)
    }

    @Test func base64RoundTripsAllLengthsAndAcceptsMissingPadding() throws {
        for length in 0..<40 {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 97 &+ 13) }
            let encoded = Base64.encode(bytes)
            #expect(Base64.decode(encoded) == bytes)
            let unpadded = String(encoded.prefix { $0 != "=" })
            #expect(Base64.decode(unpadded) == bytes)
        }
        #expect(Base64.encode(Array("foobar".utf8)) == "Zm9vYmFy")
        #expect(Base64.decode("Zm9vYg") == Array("foob".utf8))
    }

    @Test(arguments: ["a", "Zm9v!", "Zm9vY===", "@@@@"])
    func base64RejectsGarbage(text: String) {
        #expect(Base64.decode(text) == nil)
    }

    @Test func statusMessagePercentEncodingRoundTrips() {
        let message = "Über 100% fehlerhaft\nzeile 2 ✓"
        let encoded = StatusMessageEncoding.encode(message)
        #expect(encoded.utf8.allSatisfy { $0 >= 0x20 && $0 <= 0x7E })
        #expect(encoded.contains("%25"))
        #expect(StatusMessageEncoding.decode(encoded) == message)
        #expect(StatusMessageEncoding.decode("bad %zz escape %4") == "bad %zz escape %4")
    }

    @Test func deframerReassemblesMessagesSplitAtEveryByte() throws {
        let messages: [[UInt8]] = [[], [1, 2, 3], Array(repeating: 9, count: 300)]
        let stream = messages.flatMap { MessageFraming.frame($0) }
        for chunkSize in [1, 2, 5, 7, 64, stream.count] {
            var deframer = MessageDeframer(maximumMessageSize: 1024)
            var output: [[UInt8]] = []
            var offset = 0
            while offset < stream.count {
                let end = min(offset + chunkSize, stream.count)
                try stream[offset..<end].withUnsafeBytes { try deframer.append($0, into: &output) }
                offset = end
            }
            try deframer.finish()
            #expect(output == messages)
        }
    }

    @Test func deframerRejectsCompressedOversizedAndTruncatedInput() {
        func feed(_ bytes: [UInt8], limit: Int = 16) -> MessageDeframer.Failure? {
            var deframer = MessageDeframer(maximumMessageSize: limit)
            var output: [[UInt8]] = []
            do {
                try bytes.withUnsafeBytes { try deframer.append($0, into: &output) }
                try deframer.finish()
                return nil
            } catch let failure as MessageDeframer.Failure {
                return failure
            } catch {
                Issue.record("unexpected error \(error)")
                return nil
            }
        }
        #expect(feed([1, 0, 0, 0, 1, 7]) == .compressedWithoutEncoding)
        #expect(feed([1, 0, 0, 0, 1, 7]).map { $0.rpcError.code } == .unimplemented)
        #expect(feed([2, 0, 0, 0, 0]) == .invalidCompressionFlag(2))
        #expect(feed([0, 0, 0, 0, 17]) == .messageTooLarge(length: 17, limit: 16))
        #expect(feed([0, 0, 0, 0, 17]).map { $0.rpcError.code } == .resourceExhausted)
        #expect(feed([0, 0, 0, 0, 4, 1, 2]) == .truncated(bufferedBytes: 2))
        #expect(feed([0, 0, 0]) == .truncated(bufferedBytes: 3))
        #expect(feed([0xFF, 0xFF, 0xFF, 0xFF, 0xFF]) == .invalidCompressionFlag(0xFF))
    }

    @Test func metadataEncodingValidatesKeysValuesAndBinarySuffix() throws {
        var metadata = Metadata()
        metadata.add("X-Request-Id", "abc")
        metadata.add("trace-bin", binary: [0, 255, 1])
        let fields = try MetadataWireFormat.encode(metadata)
        #expect(fields.map(\.name) == ["x-request-id", "trace-bin"])
        #expect(fields[1].value == "AP8B")
        let decoded = try MetadataWireFormat.decode(fields + [(":path", "/x"), ("grpc-status", "0")])
        #expect(decoded == metadata)

        for bad: Metadata in [["grpc-status": "1"], ["bad key": "v"], ["k": "line\nbreak"], ["": "v"]] {
            #expect(throws: RPCError.self) { try MetadataWireFormat.encode(bad) }
        }
        var wrongSuffix = Metadata()
        wrongSuffix.add("plain", binary: [1])
        #expect(throws: RPCError.self) { try MetadataWireFormat.encode(wrongSuffix) }
        #expect(throws: RPCError.self) { try MetadataWireFormat.decode([("x-bin", "%%%")]) }
    }

    /// `decode` tests reservation with a `switch` for speed; it must name exactly `reservedKeys`.
    @Test func reservedKeySwitchMatchesTheReservedSet() throws {
        for key in MetadataWireFormat.reservedKeys {
            #expect(MetadataWireFormat.isReserved(key), "\(key)")
            let decoded = try MetadataWireFormat.decode([(key, "v"), ("x-kept", "v")])
            #expect(decoded.map(\.key) == ["x-kept"], "\(key)")
        }
        for key in ["x-request-id", "grpc-statuss", "content", "user-agent", "hos"] {
            #expect(!MetadataWireFormat.isReserved(key), "\(key)")
        }
    }

    /// The byte-exact fast path and the general path agree on what a gRPC content type is.
    @Test(arguments: [
        ("application/grpc", true), ("application/grpc+proto", true), ("Application/GRPC", true),
        (" application/grpc ; charset=utf-8", true), ("application/grpc+json", false),
        ("application/grpcx", false), ("text/plain", false), ("", false),
    ])
    func grpcContentTypesAreRecognized(value: String, expected: Bool) {
        #expect(RequestValidator.isGRPCContentType(value) == expected)
    }

    @Test(arguments: RPCError.Code.allStandard)
    func everyStatusCodeHasItsSpecName(code: RPCError.Code) {
        #expect(!code.description.hasPrefix("CODE_"))
        #expect(RPCError.Code(rawValue: code.rawValue) == code)
    }

    @Test func responseHeaderValidationMapsHTTPStatuses() {
        let cases: [(String, RPCError.Code)] = [
            ("400", .internal), ("401", .unauthenticated), ("403", .permissionDenied),
            ("404", .unimplemented),
            ("429", .unavailable), ("503", .unavailable), ("500", .unknown),
        ]
        for (status, code) in cases {
            #expect(ClientConnection.validateResponseHeaders([(":status", status)])?.code == code)
        }
        #expect(
            ClientConnection.validateResponseHeaders([(":status", "200"), ("content-type", "text/html")])?
                .code
                == .unknown)
        #expect(
            ClientConnection.validateResponseHeaders([
                (":status", "200"), ("content-type", "application/grpc"),
            ])
                == nil)
        #expect(ClientConnection.status(from: [("grpc-status", "abc")])?.code == .internal)
        #expect(ClientConnection.status(from: [])?.code == .internal)
        #expect(ClientConnection.status(from: [("grpc-status", "0")]) == nil)
        #expect(ClientConnection.status(from: [("grpc-status", "42")])?.code.rawValue == 42)
    }
}
