import NIOCore
import Testing

@testable import H2RPC

/// The connection ledger keeps bytes buffered + window still granted within the budget.
@Suite struct CreditLedgerTests {
    @Test func creditStopsAtTheBudgetAndResumesAfterRelease() {
        let statistics = TransportStatistics()
        let server = ServerInboundBudget(limit: 1 << 30, statistics: statistics)
        let budget = ConnectionInboundBudget(limit: 1_000, server: server, wake: {})
        let ledger = ConnectionCreditLedger(budget: budget, initialWindow: 500)
        // 400 bytes arrive and stay buffered: 400 + 100 outstanding leaves room for all 400.
        budget.add(400)
        #expect(ledger.received(400) == 400)
        // 500 more arrive: 900 buffered + 0 outstanding → only 100 may be granted.
        budget.add(500)
        #expect(ledger.received(500) == 100)
        #expect(ledger.withheld == 400)
        #expect(budget.bufferedBytes + ledger.outstandingWindow <= budget.limit)
        // A handler reads 600 bytes: the rest of the credit fits again.
        budget.release(600)
        #expect(ledger.grantable() == 400)
        #expect(ledger.withheld == 0)
        #expect(statistics.bufferedInboundBytes == 300)
        #expect(statistics.peakBufferedInboundBytes == 900)
    }

    @Test func aFullServerBudgetStopsEveryConnection() {
        let statistics = TransportStatistics()
        let server = ServerInboundBudget(limit: 300, statistics: statistics)
        let first = ConnectionInboundBudget(limit: 1_000, server: server, wake: {})
        let second = ConnectionInboundBudget(limit: 1_000, server: server, wake: {})
        let ledger = ConnectionCreditLedger(budget: second, initialWindow: 100)
        first.add(300)
        second.add(50)
        #expect(ledger.received(50) == 0)
        first.release(300)
        #expect(ledger.grantable() == 50)
    }

    @Test func theWireSettingsCarryTheConfiguredStreamLimit() {
        // SETTINGS with MAX_CONCURRENT_STREAMS (3) = 2100 and INITIAL_WINDOW_SIZE (4).
        let frame: [UInt8] = [0, 0, 12, 4, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0x08, 0x34, 0, 4, 0, 1, 0, 0]
        var buffer = ByteBuffer(bytes: frame)
        #expect(HTTP2Connection.rewriteMaximumConcurrentStreams(in: &buffer, to: 1000))
        let bytes = buffer.readableBytesView.map { $0 }
        #expect(Array(bytes[11..<15]) == [0, 0, 0x03, 0xE8])
        #expect(Array(bytes[15...]) == [0, 4, 0, 1, 0, 0])
    }
}
