import H2RPC
import Testing

/// The server's idle close, seen by a raw client that controls when each frame goes out: a
/// request the client sent before it read the server's GOAWAY must be served, not lost.
@Suite struct IdleShutdownTests {
    static func configuration(keepaliveTimeout: Duration = .seconds(20)) -> ServerConfiguration {
        var configuration = ServerConfiguration()
        configuration.limits.idleTimeout = .milliseconds(100)
        configuration.limits.keepaliveTimeout = keepaliveTimeout
        return configuration
    }

    /// The race the idle timer cannot see: the connection is idle on the server's side while the
    /// client's request is already on its way. Here the request crosses the shutdown notice (it
    /// is sent after the notice arrived but before the client answers the PING behind it).
    @Test func aRequestCrossingTheIdleGoAwayIsServed() async throws {
        try await TestSupport.withServer(configuration: Self.configuration()) { server, port in
            let connection = try RawHTTP2Connection(port: port)
            defer { connection.close() }
            _ = try await connection.acknowledgeSettings()
            let notice = await connection.readFrames { frames in
                frames.contains { $0.type == RawFrame.ping && $0.flags & 1 == 0 }
            }
            #expect(!notice.closedByServer)
            let goAways = notice.frames.filter { $0.type == RawFrame.goAway }
            #expect(goAways.map(\.lastStreamID) == [0x7FFF_FFFF])
            let ping = try #require(notice.frames.first { $0.type == RawFrame.ping && $0.flags & 1 == 0 })

            try connection.send(
                RawRequests.headers(streamID: 1, path: TestSupport.unaryEcho.fullPath, extra: [])
                    + RawRequests.data(streamID: 1, message: [4, 2], endStream: true))
            try connection.send(
                RawSocket.frame(type: RawFrame.ping, flags: 1, streamID: 0, payload: ping.payload))

            let end = await connection.readFrames { _ in false }
            #expect(end.closedByServer)
            let onStream = end.frames.filter { $0.streamID == 1 }
            #expect(
                onStream.contains { $0.type == RawFrame.data && $0.payload == MessageBytes.framed([4, 2]) })
            #expect(onStream.contains { $0.type == RawFrame.headers && $0.flags & RawFrame.endStream != 0 })
            #expect(!onStream.contains { $0.type == RawFrame.resetStream && $0.errorCode != 0 })
            let finalGoAway = end.frames.filter { $0.type == RawFrame.goAway }.last
            #expect(finalGoAway?.lastStreamID == 1)
            #expect(finalGoAway?.errorCode == 0)
            #expect(await eventually { server.statistics.openConnections == 0 })
        }
    }

    /// A client that never answers the PING is not waited for beyond the keepalive timeout.
    @Test func aClientIgnoringThePingIsStillClosed() async throws {
        let configuration = Self.configuration(keepaliveTimeout: .milliseconds(200))
        try await TestSupport.withServer(configuration: configuration) { server, port in
            let connection = try RawHTTP2Connection(port: port)
            defer { connection.close() }
            _ = try await connection.acknowledgeSettings()
            let end = await connection.readFrames { _ in false }
            #expect(end.closedByServer)
            let goAways = end.frames.filter { $0.type == RawFrame.goAway }
            #expect(goAways.map(\.lastStreamID) == [0x7FFF_FFFF, 0])
            #expect(await eventually { server.statistics.openConnections == 0 })
        }
    }
}
