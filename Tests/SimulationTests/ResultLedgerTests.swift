import Simulation
import Testing

@Suite("Result ledger: each utterance counted once")
struct ResultLedgerTests {
    static let a = UtteranceKey(condition: "clean", utteranceID: "u1")
    static let b = UtteranceKey(condition: "clean", utteranceID: "u2")
    static let aPerturbed = UtteranceKey(condition: "nbest:p=0.1", utteranceID: "u1")

    @Test("the first final result counts; a late duplicate after failover is ignored")
    func firstWins() {
        var ledger = ResultLedger<String>(expecting: [Self.a, Self.b])
        #expect(ledger.offer("from replica 1", for: Self.a) == .accepted)
        #expect(ledger.offer("from replica 2", for: Self.a) == .duplicate)
        #expect(ledger.results[Self.a] == "from replica 1")
        #expect(ledger.done == 1)
        #expect(ledger.duplicates == 1)
        #expect(!ledger.isComplete)
        #expect(ledger.missing == [Self.b])
        #expect(ledger.offer("b", for: Self.b) == .accepted)
        #expect(ledger.isComplete)
        #expect(ledger.missing.isEmpty)
    }

    @Test("the same utterance under two conditions is two keys; unknown keys are refused")
    func keysIncludeCondition() {
        var ledger = ResultLedger<Int>(expecting: [Self.a, Self.aPerturbed])
        #expect(ledger.offer(1, for: Self.a) == .accepted)
        #expect(ledger.offer(2, for: Self.aPerturbed) == .accepted)
        #expect(ledger.offer(3, for: Self.b) == .unexpected)
        #expect(ledger.unexpected == 1)
        #expect(ledger.isComplete)
        #expect(!ledger.hasResult(for: Self.b))
    }

    @Test("any arrival order of answers and duplicates gives the same counted set", arguments: [1, 2, 3, 4])
    func orderIndependent(seed: Int) {
        let keys = (0..<20).map { UtteranceKey(condition: "clean", utteranceID: "u\($0)") }
        var offers = keys.flatMap { [($0, 0), ($0, 1)] }
        var generator = SystemRandomNumberGeneratorSeeded(seed: UInt64(seed))
        offers.shuffle(using: &generator)
        var ledger = ResultLedger<Int>(expecting: keys)
        var accepted = 0
        for (key, copy) in offers where ledger.offer(copy, for: key) == .accepted { accepted += 1 }
        #expect(accepted == keys.count)
        #expect(ledger.duplicates == keys.count)
        #expect(ledger.isComplete)
    }
}

/// A tiny deterministic generator for shuffles in tests (xorshift64*).
struct SystemRandomNumberGeneratorSeeded: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed &* 0x9E37_79B9_7F4A_7C15 | 1 }
    mutating func next() -> UInt64 {
        state ^= state >> 12
        state ^= state << 25
        state ^= state >> 27
        return state &* 2_685_821_657_736_338_717
    }
}
