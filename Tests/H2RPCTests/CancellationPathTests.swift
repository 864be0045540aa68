import H2RPC
import Testing

/// Every way a call can die early cancels its handler's task at once (issue 14, item 1).
@Suite struct CancellationPathTests {
    @Test func resetAfterTheHandlerStartedCancelsIt() async throws {
        let probe = CancellationProbe()
        try await TestSupport.withServer(probe.router()) { _, port in
            let connection = try RawHTTP2Connection(port: port)
            defer { connection.close() }
            try connection.send(RawRequests.headers(streamID: 1, path: CancellationProbe.bidiHold.fullPath))
            #expect(await probe.started.wait())
            try connection.send(RawRequests.reset(streamID: 1))
            #expect(await probe.cancelled.wait())
            #expect(probe.contextWasCancelled)
        }
    }

    @Test func resetBeforeTheRequestMessageNeverStartsTheHandler() async throws {
        let probe = CancellationProbe()
        try await TestSupport.withServer(probe.router()) { server, port in
            let connection = try RawHTTP2Connection(port: port)
            defer { connection.close() }
            try connection.send(RawRequests.headers(streamID: 1, path: CancellationProbe.unaryHold.fullPath))
            #expect(await eventually { server.statistics.openStreams == 1 })
            try connection.send(RawRequests.reset(streamID: 1))
            #expect(await eventually { server.statistics.openStreams == 0 })
            // The connection still serves calls, and the reset call never started.
            try connection.send(RawRequests.headers(streamID: 3, path: TestSupport.unaryEcho.fullPath))
            try connection.send(RawRequests.data(streamID: 3, message: [2], endStream: true))
            let answered = await connection.readFrames { frames in
                frames.contains { $0.streamID == 3 && $0.type == RawFrame.headers && $0.flags & 1 != 0 }
            }
            #expect(!answered.closedByServer)
            #expect(probe.startCount == 0)
        }
    }

    @Test func droppingTheConnectionCancelsTheHandler() async throws {
        let probe = CancellationProbe()
        try await TestSupport.withServer(probe.router()) { _, port in
            let connection = try RawHTTP2Connection(port: port)
            try connection.send(RawRequests.headers(streamID: 1, path: CancellationProbe.unaryHold.fullPath))
            try connection.send(RawRequests.data(streamID: 1, message: [1], endStream: true))
            #expect(await probe.started.wait())
            connection.close()
            #expect(await probe.cancelled.wait())
            #expect(probe.contextWasCancelled)
        }
    }

    @Test func theEndOfTheShutdownGracePeriodCancelsTheHandler() async throws {
        let probe = CancellationProbe()
        try await TestSupport.withServer(probe.router()) { server, port in
            let connection = try RawHTTP2Connection(port: port)
            defer { connection.close() }
            try connection.send(RawRequests.headers(streamID: 1, path: CancellationProbe.bidiHold.fullPath))
            #expect(await probe.started.wait())
            server.beginGracefulShutdown(gracePeriod: .milliseconds(50))
            #expect(await probe.cancelled.wait())
            #expect(probe.contextWasCancelled)
        }
    }

    @Test func ourClientCancellingCancelsTheHandler() async throws {
        let probe = CancellationProbe()
        let codec = RawBytesCodec()
        try await TestSupport.withServerAndClient(probe.router()) { _, client in
            let call = Task {
                try await client.unary(
                    CancellationProbe.unaryHold, request: [1], serializer: codec, deserializer: codec)
            }
            #expect(await probe.started.wait())
            call.cancel()
            _ = await call.result
            #expect(await probe.cancelled.wait())
            #expect(probe.contextWasCancelled)
        }
    }

    /// Resets of calls whose handler already runs count towards `maximumResetsPerSecond` too.
    @Test func resetsOfRunningHandlersCountAsRapidResets() async throws {
        let probe = CancellationProbe()
        var configuration = ServerConfiguration()
        configuration.maximumResetsPerSecond = 2
        try await TestSupport.withServer(probe.router(), configuration: configuration) { _, port in
            let connection = try RawHTTP2Connection(port: port)
            defer { connection.close() }
            for index in 0..<60 {
                let streamID = UInt32(2 * index + 1)
                do {
                    try connection.send(
                        RawRequests.headers(streamID: streamID, path: CancellationProbe.unaryHold.fullPath)
                            + RawRequests.data(streamID: streamID, message: [1], endStream: true))
                    guard await eventually(timeout: .seconds(10), { probe.startCount > index }) else { break }
                    try connection.send(RawRequests.reset(streamID: streamID))
                } catch {
                    break  // The server closed the connection.
                }
                let early = await connection.readFrames(timeout: .milliseconds(1)) { frames in
                    frames.contains { $0.type == RawFrame.goAway }
                }
                if early.closedByServer || early.frames.contains(where: { $0.type == RawFrame.goAway }) {
                    break
                }
            }
            let outcome = await connection.readFrames { frames in
                frames.contains { $0.type == RawFrame.goAway }
            }
            let goAways = outcome.frames.filter { $0.type == RawFrame.goAway }
            #expect(goAways.map(\.errorCode).contains(0xB))
            #expect(probe.startCount > configuration.maximumResetsPerSecond)
        }
    }
}
