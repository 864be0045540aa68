import H2RPC
import Testing

/// A stream beyond SETTINGS_MAX_CONCURRENT_STREAMS is refused on its own; the connection and its
/// other calls live on (issue 14, item 4).
@Suite struct StreamLimitTests {
    @Test func theStreamOverTheLimitIsRefusedAndTheOthersComplete() async throws {
        var configuration = ServerConfiguration()
        configuration.limits.maximumConcurrentStreams = 4
        try await TestSupport.withServer(configuration: configuration) { _, port in
            let connection = try RawHTTP2Connection(port: port)
            defer { connection.close() }
            // Acknowledge the server's SETTINGS so its limit is in force (not merely pending).
            let advertised = try await connection.acknowledgeSettings()
            #expect(advertised?.settings.first { $0.0 == 3 }?.1 == 4)
            let path = TestSupport.bidiEcho.fullPath
            var opening: [UInt8] = []
            for streamID: UInt32 in [1, 3, 5, 7, 9] {
                opening += RawRequests.headers(streamID: streamID, path: path)
                opening += RawRequests.data(streamID: streamID, message: [UInt8(streamID)], endStream: false)
            }
            try connection.send(opening)
            let refused = await connection.readFrames { frames in
                frames.contains { $0.streamID == 9 && $0.type == RawFrame.resetStream }
            }
            #expect(
                refused.frames.first { $0.streamID == 9 && $0.type == RawFrame.resetStream }?.errorCode == 7)
            #expect(!refused.frames.contains { $0.type == RawFrame.goAway })
            // The four admitted calls finish normally.
            var closing: [UInt8] = []
            for streamID: UInt32 in [1, 3, 5, 7] {
                closing += RawSocket.frame(
                    type: RawFrame.data, flags: RawFrame.endStream, streamID: streamID, payload: [])
            }
            try connection.send(closing)
            let finished = await connection.readFrames { frames in
                Set(
                    frames.filter { $0.type == RawFrame.headers && $0.flags & RawFrame.endStream != 0 }.map(
                        \.streamID)
                )
                .isSuperset(of: [1, 3, 5, 7])
            }
            #expect(!finished.closedByServer)
            #expect(!finished.frames.contains { $0.type == RawFrame.goAway })
            // The connection still takes new calls.
            try connection.send(
                RawRequests.headers(streamID: 11, path: TestSupport.unaryEcho.fullPath)
                    + RawRequests.data(streamID: 11, message: [11], endStream: true))
            let later = await connection.readFrames { frames in
                frames.contains { $0.streamID == 11 && $0.type == RawFrame.headers && $0.flags & 1 != 0 }
            }
            #expect(later.frames.contains { $0.streamID == 11 && $0.type == RawFrame.data })
            #expect(!later.closedByServer)
        }
    }
}
