import H2RPC
import Testing

/// A streaming call whose deadline passes after a response message still ends with
/// DEADLINE_EXCEEDED trailers, not RST_STREAM(CANCEL) (issue 14, item 3).
@Suite struct StreamingDeadlineTests {
    /// Server streaming (request complete) and bidi (client still sending when the deadline passes).
    @Test(arguments: [CancellationProbe.streamHold, CancellationProbe.bidiEchoHold])
    func rawPeerGetsTrailersAfterTheMessageInsteadOfAReset(method: MethodDescriptor) async throws {
        let probe = CancellationProbe()
        try await TestSupport.withServer(probe.router()) { _, port in
            let connection = try RawHTTP2Connection(port: port)
            defer { connection.close() }
            try connection.send(
                RawRequests.headers(streamID: 1, path: method.fullPath, extra: [("grpc-timeout", "1S")])
                    + RawRequests.data(streamID: 1, message: [1], endStream: method.kind == .serverStreaming))
            let outcome = await connection.readFrames { frames in
                frames.contains {
                    $0.streamID == 1
                        && ($0.type == RawFrame.resetStream
                            || ($0.type == RawFrame.headers && $0.flags & RawFrame.endStream != 0))
                }
            }
            let onStream = outcome.frames.filter { $0.streamID == 1 }
            #expect(onStream.contains { $0.type == RawFrame.data && !$0.payload.isEmpty })
            // Trailers end the stream; a client still sending then gets RST_STREAM(NO_ERROR) only.
            let trailers = onStream.firstIndex {
                $0.type == RawFrame.headers && $0.flags & RawFrame.endStream != 0
            }
            #expect(trailers != nil)
            let resets = onStream.indices.filter { onStream[$0].type == RawFrame.resetStream }
            #expect(resets.allSatisfy { onStream[$0].errorCode == 0 && $0 > (trailers ?? .max) })
            #expect(await probe.cancelled.wait())
        }
    }

    @Test func nghttpSeesGRPCStatusDeadlineExceeded() async throws {
        let probe = CancellationProbe()
        try await TestSupport.withServer(probe.router()) { _, port in
            let output = try await NGHTTPClient.post(
                port: port, path: CancellationProbe.streamHold.fullPath, body: MessageBytes.framed([]),
                headers: ["grpc-timeout: 1S"])
            #expect(output.contains("grpc-status: 4"), "\(output)")
        }
    }

    /// The deadline leaves a loaded machine ample time to deliver the first message.
    @Test func ourClientSeesDeadlineExceededAfterTheFirstMessage() async throws {
        let probe = CancellationProbe()
        let codec = RawBytesCodec()
        try await TestSupport.withServerAndClient(probe.router()) { _, client in
            var received: [[UInt8]] = []
            let error = await #expect(throws: RPCError.self) {
                try await client.serverStreaming(
                    CancellationProbe.streamHold, request: [], serializer: codec, deserializer: codec,
                    options: CallOptions(timeout: .seconds(2))
                ) { responses in
                    for try await message in responses { received.append(message) }
                }
            }
            #expect(error?.code == .deadlineExceeded)
            #expect(received == [[1]])
            #expect(await probe.cancelled.wait())
        }
    }
}
