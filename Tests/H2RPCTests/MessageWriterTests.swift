import Synchronization
import Testing

@testable import H2RPC

/// `MessageWriter` and the shared `OutboundMessageSink.send`, run once as the client's request
/// side and once as the server's response side, without a network: the sink below stands in for
/// a connection's event loop.
@Suite struct MessageWriterTests {
    /// Records what a writer hands to the "event loop", or fails every hand-off with `failure`.
    struct RecordingSink: OutboundMessageSink {
        final class Log: Sendable {
            let framed = Mutex<[[UInt8]]>([])
        }

        let messageKind: String
        let maximumMessageSize: Int
        let gate: OutboundFlowGate
        let log = Log()
        var failure: RPCError?

        func enqueue(_ framed: [UInt8]) throws(RPCError) {
            if let failure { throw failure }
            log.framed.withLock { $0.append(framed) }
        }
    }

    static let kinds = ["Request", "Response"]

    private func writer(_ sink: RecordingSink) -> MessageWriter<[UInt8]> {
        MessageWriter(
            sink: sink,
            serialize: { message throws(RPCError) in
                try RawBytesCodec().serializeForSending(message, kind: "message")
            })
    }

    @Test(arguments: kinds) func oversizedMessageIsRejectedBeforeAnythingIsCounted(kind: String) async throws
    {
        let statistics = TransportStatistics()
        let sink = RecordingSink(
            messageKind: kind, maximumMessageSize: 10,
            gate: OutboundFlowGate(highWatermark: 100, statistics: statistics))
        let expected = RPCError(
            code: .resourceExhausted, message: "\(kind) message of 11 bytes exceeds the limit of 10 bytes.")
        await #expect(throws: expected) { try await writer(sink).write([UInt8](repeating: 0, count: 11)) }
        try await writer(sink).write([UInt8](repeating: 0, count: 10))
        #expect(sink.log.framed.withLock { $0.map(\.count) } == [15])
    }

    @Test(arguments: kinds) func writeSuspendsAboveTheHighWatermarkUntilHalfHasDrained(kind: String)
        async throws
    {
        let statistics = TransportStatistics()
        let gate = OutboundFlowGate(highWatermark: 100, statistics: statistics)
        let sink = RecordingSink(messageKind: kind, maximumMessageSize: 1000, gate: gate)
        let writer = writer(sink)
        try await writer.write([UInt8](repeating: 1, count: 60))  // 65 framed bytes ≤ 100: no wait
        #expect(!gate.hasWaitingWriter)
        let second = Task { try await writer.write([UInt8](repeating: 2, count: 60)) }  // 130 > 100
        for _ in 0..<1_000_000 {
            if gate.hasWaitingWriter { break }
            await Task.yield()
        }
        #expect(gate.hasWaitingWriter)
        // The bytes were handed over before the writer waited: only the writer is held back.
        #expect(sink.log.framed.withLock { $0.count } == 2)
        #expect(statistics.bufferedOutboundBytes == 130)
        gate.release(65)  // 65 left: above the low-water mark of 50, still waiting
        #expect(gate.hasWaitingWriter)
        gate.release(20)  // 45 ≤ 50
        try await second.value
        #expect(!gate.hasWaitingWriter)
    }

    @Test(arguments: kinds) func failedHandOffReleasesTheCountedBytes(kind: String) async throws {
        let statistics = TransportStatistics()
        let failure = RPCError(code: .internal, message: "Invalid metadata key.")
        let sink = RecordingSink(
            messageKind: kind, maximumMessageSize: 1000,
            gate: OutboundFlowGate(highWatermark: 100, statistics: statistics), failure: failure)
        await #expect(throws: failure) { try await writer(sink).write([1, 2, 3]) }
        #expect(sink.gate.bufferedBytes == 0)
        #expect(statistics.bufferedOutboundBytes == 0)
    }

    @Test func cancelledWriterSendsNothing() async throws {
        let sink = RecordingSink(
            messageKind: "Request", maximumMessageSize: 1000,
            gate: OutboundFlowGate(highWatermark: 100, statistics: TransportStatistics()))
        let writer = writer(sink)
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            try await writer.write([1])
        }
        await #expect(throws: CancellationError.self) { try await task.value }
        #expect(sink.log.framed.withLock { $0.isEmpty })
        #expect(sink.gate.bufferedBytes == 0)
    }

    @Test func serializerFailureBecomesInternalUnlessItIsAStatus() throws {
        struct Broken: Error {}
        let broken = ClosureSerializer<Int> { _ in throw Broken() }
        #expect {
            try broken.serializeForSending(1, kind: "response")
        } throws: { error in
            let status = try #require(error as? RPCError)
            return status.code == .internal && status.message.hasPrefix("Failed to serialize the response:")
        }
        let refusing = ClosureSerializer<Int> { _ in
            throw RPCError(code: .failedPrecondition, message: "Not now.")
        }
        #expect(throws: RPCError(code: .failedPrecondition, message: "Not now.")) {
            try refusing.serializeForSending(1, kind: "request")
        }
    }
}
