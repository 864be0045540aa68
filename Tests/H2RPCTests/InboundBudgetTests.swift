import H2RPC
import Testing

/// Clients that half-send large messages on many streams cannot make the server hold more than
/// its inbound byte budgets (issue 14, item 2).
@Suite struct InboundBudgetTests {
    let codec = RawBytesCodec()

    /// Opens `streamCount` unary calls on `connection`, each announcing a `claimed`-byte message,
    /// and sends as much of every message as the server's flow control allows — never all of it.
    /// Returns the bytes sent once the server has granted no window for half a second.
    static func halfSend(
        _ connection: RawHTTP2Connection, streamCount: Int, claimed: Int
    ) async throws -> Int {
        _ = try await connection.acknowledgeSettings()
        let streamIDs = (0..<streamCount).map { UInt32(2 * $0 + 1) }
        var opening: [UInt8] = []
        for streamID in streamIDs {
            opening += RawRequests.headers(streamID: streamID, path: TestSupport.unaryEcho.fullPath)
        }
        try connection.send(opening)
        let messageLength = claimed + 5
        var sent = [UInt32: Int](uniqueKeysWithValues: streamIDs.map { ($0, 0) })
        var quietRounds = 0
        for _ in 0..<2_000 {
            let outcome = await connection.readFrames(timeout: .milliseconds(50)) { _ in false }
            if outcome.closedByServer { break }
            let windows = FlowWindows(frames: outcome.frames)
            var connectionAvailable = windows.connection - sent.values.reduce(0, +)
            var progressed = false
            for streamID in streamIDs {
                let streamAvailable = windows.stream(streamID) - sent[streamID]!
                let remaining = messageLength - 1 - sent[streamID]!
                let count = min(streamAvailable, connectionAvailable, remaining, 16_384)
                guard count > 0 else { continue }
                var payload = [UInt8](repeating: 0, count: count)
                if sent[streamID]! == 0 {
                    let prefix: [UInt8] = [
                        0, UInt8(claimed >> 24 & 0xFF), UInt8(claimed >> 16 & 0xFF),
                        UInt8(claimed >> 8 & 0xFF),
                        UInt8(claimed & 0xFF),
                    ]
                    payload.replaceSubrange(0..<min(5, count), with: prefix.prefix(count))
                }
                try connection.send(
                    RawSocket.frame(type: RawFrame.data, flags: 0, streamID: streamID, payload: payload))
                sent[streamID]! += count
                connectionAvailable -= count
                progressed = true
            }
            quietRounds = progressed ? 0 : quietRounds + 1
            if quietRounds >= 10 { break }
        }
        return sent.values.reduce(0, +)
    }

    @Test func halfSentMessagesStallAtTheConnectionBudget() async throws {
        var configuration = ServerConfiguration()
        configuration.maximumBufferedInboundBytesPerConnection = 2 << 20
        try await TestSupport.withServer(configuration: configuration) { server, port in
            let attacker = try RawHTTP2Connection(port: port)
            defer { attacker.close() }
            // 16 streams × 3 MiB would be 48 MiB without a budget.
            let sent = try await Self.halfSend(attacker, streamCount: 16, claimed: 3 << 20)
            #expect(sent <= 2 << 20)
            #expect(server.statistics.peakBufferedInboundBytes <= 2 << 20)
            #expect(server.statistics.bufferedInboundBytes > 0)
            try await withRPCClient(host: "127.0.0.1", port: port, logger: TestSupport.logger) { client in
                let payload = [UInt8](repeating: 7, count: 100_000)
                let echoed = try await client.unary(
                    TestSupport.unaryEcho, request: payload, serializer: codec, deserializer: codec)
                #expect(echoed == payload)
            }
            attacker.close()
            // The attacker's bytes are released when its streams die with the connection.
            #expect(await eventually { server.statistics.bufferedInboundBytes == 0 })
        }
    }

    @Test func halfSentMessagesOnManyConnectionsStallAtTheServerBudget() async throws {
        var configuration = ServerConfiguration()
        configuration.maximumBufferedInboundBytesPerConnection = 2 << 20
        configuration.maximumBufferedInboundBytesPerServer = 3 << 20
        let connectionWindow = 1 << 20  // half the connection budget
        try await TestSupport.withServer(configuration: configuration) { server, port in
            let attackers = try (0..<4).map { _ in try RawHTTP2Connection(port: port) }
            defer { for attacker in attackers { attacker.close() } }
            var sent = 0
            for attacker in attackers {
                sent += try await Self.halfSend(attacker, streamCount: 8, claimed: 3 << 20)
            }
            // Past the server budget no connection gets more window; each may still use the
            // window it had (documented in Docs/transport.md).
            let bound = (3 << 20) + attackers.count * connectionWindow
            #expect(server.statistics.peakBufferedInboundBytes <= bound)
            #expect(sent <= bound)
            #expect(sent < attackers.count * (2 << 20))
            try await withRPCClient(host: "127.0.0.1", port: port, logger: TestSupport.logger) { client in
                let echoed = try await client.unary(
                    TestSupport.unaryEcho, request: [1, 2, 3], serializer: codec, deserializer: codec)
                #expect(echoed == [1, 2, 3])
            }
        }
    }

    @Test func readingReleasesTheBudgetForLaterMessages() async throws {
        var configuration = ServerConfiguration()
        configuration.maximumBufferedInboundBytesPerConnection = 1 << 20
        let payload = [UInt8](repeating: 3, count: 300_000)
        try await TestSupport.withServerAndClient(configuration: configuration) { server, client in
            // 20 × 300 KB through a 1 MiB budget: only possible if read bytes are credited back.
            for _ in 0..<20 {
                let echoed = try await client.unary(
                    TestSupport.unaryEcho, request: payload, serializer: codec, deserializer: codec)
                #expect(echoed == payload)
            }
            #expect(server.statistics.peakBufferedInboundBytes <= 1 << 20)
            #expect(await eventually { server.statistics.bufferedInboundBytes == 0 })
        }
    }
}

/// Flow-control windows a raw client may use, from the frames the server sent.
struct FlowWindows {
    var connection = 65_535
    var initialStream = 65_535
    var streamUpdates: [UInt32: Int] = [:]

    init(frames: [RawFrame]) {
        for frame in frames {
            if frame.type == RawFrame.settings, frame.flags & 1 == 0 {
                for (id, value) in frame.settings where id == 4 { initialStream = Int(value) }
            } else if frame.type == RawFrame.windowUpdate, frame.payload.count == 4 {
                let increment = Int(frame.payload.reduce(0) { $0 << 8 | UInt32($1) } & 0x7FFF_FFFF)
                if frame.streamID == 0 {
                    connection += increment
                } else {
                    streamUpdates[frame.streamID, default: 0] += increment
                }
            }
        }
    }

    func stream(_ streamID: UInt32) -> Int { initialStream + streamUpdates[streamID, default: 0] }
}
