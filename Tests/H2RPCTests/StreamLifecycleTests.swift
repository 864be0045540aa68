import Testing

@testable import H2RPC

/// The stream states only move forward, whatever order the events come in.
@Suite struct StreamLifecycleTests {
    @Test func receivingStopsThenThePeerEnds() {
        var lifecycle = StreamLifecycle()
        #expect(lifecycle.inbound == .receiving)
        lifecycle.stopReceiving()
        #expect(lifecycle.inbound == .discarding)
        lifecycle.peerEnded()
        #expect(lifecycle.inbound == .peerEnded)
        // Stopping after the peer ended does not move back.
        lifecycle.stopReceiving()
        #expect(lifecycle.inbound == .peerEnded)
    }

    @Test func sendingGoesFromHeadersToTheEndOfTheBody() {
        var lifecycle = StreamLifecycle()
        #expect(lifecycle.outbound == .idle)
        lifecycle.headersSent()
        #expect(lifecycle.outbound == .headersSent)
        lifecycle.bodyEnded()
        #expect(lifecycle.outbound == .bodyEnded)
        lifecycle.headersSent()
        #expect(lifecycle.outbound == .bodyEnded)
    }

    @Test func trailersOnlyEndsTheBodyWithoutABodyPhase() {
        var lifecycle = StreamLifecycle()
        lifecycle.bodyEnded()
        #expect(lifecycle.outbound == .bodyEnded)
    }
}
