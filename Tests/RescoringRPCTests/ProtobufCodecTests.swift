import H2RPC
import RescoringMessages
import RescoringRPC
import Testing

@Suite("Protobuf codec on the wire")
struct ProtobufCodecTests {
    @Test(
        "undecodable request bytes get INVALID_ARGUMENT with the bridge's reason",
        arguments: [
            ([0x0A, 0x05, 0x61] as [UInt8], "malformed"),
            ([0x0A, 0x05, 0x32, 0x03, 0x0A, 0x01, 0xFF], "invalidUTF8"),
        ])
    func undecodableRequest(bytes: [UInt8], reason: String) async throws {
        try await SwiftTestServer.with { running in
            try await SwiftTestServer.withClient(port: running.port) { client in
                let error = try await #require(throws: RPCError.self) {
                    _ = try await client.unary(
                        RescorerMethods.rescoreOne.descriptor, request: bytes, serializer: RawBytesCodec(),
                        deserializer: RawBytesCodec())
                }
                #expect(error.code == .invalidArgument)
                #expect(error.message.contains(reason), "\(error)")
            }
        }
    }

    @Test("the codec round-trips every Rescorer message type")
    func codecRoundTrip() throws {
        let codec = ProtobufCodec<RescoreRequest>()
        let request = InteropClientChecks.request(count: 4, adapter: "lora")
        #expect(try codec.deserialize(codec.serialize(request)) == request)
    }

    @Test("method paths match the .proto services")
    func paths() {
        #expect(RescorerMethods.rescore.descriptor.fullPath == "/secondpass.rescoring.v1.Rescorer/Rescore")
        #expect(RescorerMethods.rescore.descriptor.kind == .bidirectionalStreaming)
        #expect(MetricsAggregatorMethods.record.descriptor.kind == .clientStreaming)
        #expect(
            MetricsAggregatorMethods.watchReport.descriptor.fullPath
                == "/secondpass.rescoring.v1.MetricsAggregator/WatchReport")
        #expect(HealthMethods.watch.descriptor.fullPath == "/grpc.health.v1.Health/Watch")
        #expect(RescorerMethods.all.count == 5)
        #expect(MetricsAggregatorMethods.all.count == 3)
    }
}
