import Synchronization
import Testing

@testable import H2RPC

/// The two hand-off objects between event loop and tasks, without any network.
@Suite struct FlowControlUnitTests {
    @Test func queueWithholdsCreditWhileTheReaderIsBehindAndReturnsItWhenItCatchesUp() async throws {
        let credited = Mutex<[Int]>([])
        let queue = InboundMessageQueue(
            bufferLimit: 100,
            onCreditAvailable: { credit in
                credited.withLock { $0.append(credit) }
            })
        queue.push([UInt8](repeating: 1, count: 60))  // 65 queued bytes
        #expect(queue.shouldCreditNow(65))
        queue.push([UInt8](repeating: 2, count: 60))  // 130 ≥ 100: reader is behind
        #expect(!queue.shouldCreditNow(65))
        #expect(!queue.shouldCreditNow(10))
        #expect(queue.queuedBytes == 130)
        // The first read brings the queue under the limit: the 75 withheld bytes come back.
        #expect(try await queue.next()?.first == 1)
        #expect(credited.withLock { $0 } == [75])
        #expect(try await queue.next()?.first == 2)
        #expect(credited.withLock { $0 } == [75])
        queue.finish(.success(()))
        #expect(try await queue.next() == nil)
    }

    @Test func failureKeepsUnreadMessagesOnlyWhenAsked() async throws {
        let keeping = InboundMessageQueue(bufferLimit: 100, onCreditAvailable: { _ in })
        keeping.push([7])
        keeping.finish(.failure(RPCError(code: .aborted, message: "x")), keepingUnread: true)
        #expect(try await keeping.next() == [7])
        await #expect(throws: RPCError(code: .aborted, message: "x")) { try await keeping.next() }

        let dropping = InboundMessageQueue(bufferLimit: 100, onCreditAvailable: { _ in })
        dropping.push([7])
        dropping.finish(.failure(RPCError(code: .aborted, message: "x")))
        await #expect(throws: RPCError.self) { try await dropping.next() }
    }

    /// Yields (a bounded number of times) until `fact` holds: the other task needs only to run
    /// far enough to suspend, so no time has to pass.
    private func yieldUntil(_ fact: () -> Bool) async throws {
        for _ in 0..<100_000 where !fact() { await Task.yield() }
        try #require(fact(), "the other task never suspended")
    }

    @Test func waitingReaderIsWokenByPushAndByCancellation() async throws {
        let queue = InboundMessageQueue(bufferLimit: 100, onCreditAvailable: { _ in })
        async let read = queue.next()
        try await yieldUntil { queue.hasWaitingReader }
        queue.push([42])
        #expect(try await read == [42])

        let reader = Task { try await queue.next() }
        try await yieldUntil { queue.hasWaitingReader }
        reader.cancel()
        await #expect(throws: CancellationError.self) { try await reader.value }
    }

    @Test func gateSuspendsAboveTheHighWatermarkUntilDrainedToHalf() async throws {
        let statistics = TransportStatistics()
        let gate = OutboundFlowGate(highWatermark: 100, statistics: statistics)
        try gate.add(80)
        try await gate.waitForCapacity()  // below the mark: no wait
        try gate.add(80)
        #expect(statistics.bufferedOutboundBytes == 160)
        let resumed = Signal()
        let writer = Task {
            try await gate.waitForCapacity()
            resumed.fire()
        }
        try await yieldUntil { gate.hasWaitingWriter }
        gate.release(100)  // 60 left, still above 50: release resumes no one (it would do so at once)
        #expect(gate.hasWaitingWriter)
        #expect(!resumed.isFired)
        gate.release(20)  // 40 ≤ 50
        try await writer.value
        #expect(resumed.isFired)
        #expect(statistics.peakBufferedOutboundBytes == 160)
    }

    @Test func closingTheGateFailsWritersAndReleasesItsBytes() async throws {
        let statistics = TransportStatistics()
        let gate = OutboundFlowGate(highWatermark: 10, statistics: statistics)
        try gate.add(50)
        let writer = Task { try await gate.waitForCapacity() }
        try await yieldUntil { gate.hasWaitingWriter }
        gate.close(RPCError(code: .cancelled, message: "gone"))
        await #expect(throws: RPCError.self) { try await writer.value }
        #expect(statistics.bufferedOutboundBytes == 0)
        #expect(throws: RPCError.self) { try gate.add(1) }
    }
}
