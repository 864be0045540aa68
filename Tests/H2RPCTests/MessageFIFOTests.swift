import Testing

@testable import H2RPC

/// The inline first slot must never let a later message overtake an earlier one.
@Suite struct MessageFIFOTests {
    @Test func messagesComeOutInArrivalOrderWhateverTheInterleaving() {
        var fifo = MessageFIFO()
        var expected: [Int] = []
        var received: [Int] = []
        var next = 0
        // A fixed interleaving of pushes (p) and pops (o) that passes through every state:
        // empty, inline slot only, slot and array, array only, compaction past 64 read.
        let script = "ppoppoopppo" + String(repeating: "pp o", count: 80) + String(repeating: "o", count: 200)
        for step in script {
            switch step {
            case "p":
                fifo.append(([UInt8(truncatingIfNeeded: next)], next))
                expected.append(next)
                next += 1
            case "o":
                if let taken = fifo.popFirst() { received.append(taken.wireLength) }
            default:
                break
            }
        }
        #expect(fifo.isEmpty)
        #expect(fifo.popFirst() == nil)
        #expect(received == expected)
        fifo.append(([1], 1))
        fifo.removeAll()
        #expect(fifo.isEmpty)
    }
}
