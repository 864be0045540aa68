import Foundation
import H2RPC
import RawHTTP2Peer
import RescoringMessages
import RescoringRPC
import SecondPassTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Bad clients beside a good one on one real `lora-rescorer`: a malformed protobuf, a message past
/// `--max-message-bytes`, and a stream whose client vanishes mid-message each get their own
/// status (where one can be sent) and leave the good client's stream and results untouched.
@Suite("lora-rescorer bad clients", .serialized)
struct LoraRescorerBadClientTests {
    static let lists = (0..<6).map { FaultFixtures.small($0) }
    static let messageLimit = 16 * 1024

    /// What a result says about the lists, without the per-call timings.
    struct Choice: Equatable {
        var utteranceID: String
        var ranking: [UInt32]
        var lmScores: [Double]
        var fusedScores: [Double]

        init(_ result: RescoreResult) {
            utteranceID = result.utteranceID
            ranking = result.hypotheses.map(\.originalIndex)
            lmScores = result.hypotheses.map(\.lmScore)
            fusedScores = result.hypotheses.map(\.fusedScore)
        }
    }

    /// Streams `lists` on one `Rescore` call, one at a time, running `between` after the first
    /// half's results are in (while the stream stays open).
    static func stream(
        _ lists: [RescoreRequest], on client: RPCClient, between: () async throws -> Void = {}
    ) async throws -> [Choice] {
        try await RescorerClient(client).rescore { writer, responses in
            var stream = responses.makeAsyncIterator()
            var choices: [Choice] = []
            for (index, request) in lists.enumerated() {
                if index == lists.count / 2 { try await between() }
                try await writer.write(request)
                choices.append(Choice(try #require(try await stream.next())))
            }
            writer.finish()
            #expect(try await stream.next() == nil)
            return choices
        }
    }

    @Test("Malformed, oversized and vanishing clients get their statuses and do not disturb a good stream")
    func badClientsLeaveAGoodStreamAlone() async throws {
        let (server, port) = try await LoraRescorerBinary.startReplica([
            "--max-message-bytes", "\(Self.messageLimit)", "--partial-state-bytes", "\(1 << 20)",
        ])
        defer { server.stop() }
        let logger = LoraRescorerProcessTests.logger

        let undisturbed = try await withRPCClient(host: "127.0.0.1", port: port, logger: logger) { client in
            try await Self.stream(Self.lists, on: client)
        }
        let disturbed = try await withRPCClient(host: "127.0.0.1", port: port, logger: logger) { good in
            try await Self.stream(Self.lists, on: good) {
                try await withRPCClient(host: "127.0.0.1", port: port, logger: logger) { bad in
                    try await Self.sendBadCalls(on: bad, port: port)
                }
            }
        }
        #expect(disturbed == undisturbed)

        // Still healthy: health, a fresh call, and a drain that the vanished stream does not hold up.
        try await withRPCClient(host: "127.0.0.1", port: port, logger: logger) { client throws in
            #expect(try await HealthClient(client).check() == .serving)
            #expect(
                try await RescorerClient(client).rescoreOne(FaultFixtures.small(20)).hypotheses.count
                    == FaultFixtures.smallCount)
        }
        server.send(SIGTERM)
        let exit = try await server.exit()
        #expect(exit.reason == .exit && exit.status == 0, "stderr: \(exit.stderr)")
    }

    /// The three bad clients, one after another, each checked.
    static func sendBadCalls(on bad: RPCClient, port: Int) async throws {
        let raw = RawBytesCodec()
        let descriptor = RescorerMethods.rescoreOne.descriptor
        // Field 1 (nbest) as a length-delimited record claiming more bytes than follow.
        let malformed: [UInt8] = [0x0A, 0x7F, 0x0A, 0x03, 0x61]
        let decodeFailure = await #expect(throws: RPCError.self) {
            try await bad.unary(descriptor, request: malformed, serializer: raw, deserializer: raw)
        }
        #expect(decodeFailure?.code == .invalidArgument, "\(String(describing: decodeFailure))")
        #expect(decodeFailure?.message.isEmpty == false)

        let streamedFailure = await #expect(throws: RPCError.self) {
            try await bad.bidirectionalStreaming(
                RescorerMethods.rescore.descriptor, serializer: raw, deserializer: raw
            ) { writer, responses in
                try await writer.write(malformed)
                var stream = responses.makeAsyncIterator()
                return try await stream.next()
            }
        }
        #expect(streamedFailure?.code == .invalidArgument, "\(String(describing: streamedFailure))")

        let texts = (0..<200).map { index in
            String(repeating: "elizabeth walked to the window again ", count: 3) + "\(index)"
        }
        let oversized = FaultFixtures.request(
            "oversized", texts: texts, adapter: LoraRescorerBinary.adapterName)
        let tooLarge = await #expect(throws: RPCError.self) {
            try await RescorerClient(bad).rescoreOne(oversized)
        }
        #expect(tooLarge?.code == .resourceExhausted, "\(String(describing: tooLarge))")
        #expect(tooLarge?.message.contains("exceeds the limit of \(messageLimit) bytes") == true)

        // Half a message, then the socket closes: no status can reach this client; the server
        // must drop the stream and its buffer.
        let vanishing = try HalfSentConnection(host: "127.0.0.1", port: port)
        try vanishing.openHalfSentStream(
            id: 1, authority: "127.0.0.1:\(port)", path: RescorerMethods.rescore.descriptor.fullPath,
            claimedBytes: 4_096, sentBytes: 100)
        vanishing.close()
    }
}
