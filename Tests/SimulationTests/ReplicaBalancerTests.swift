import Simulation
import Testing

@Suite("Replica balancing")
struct ReplicaBalancerTests {
    @Test("round-robin takes replicas in turn and skips one that is down")
    func roundRobin() {
        var balancer = ReplicaBalancer(replicas: 3, policy: .roundRobin, window: 100)
        for replica in 0..<3 { balancer.markUp(replica) }
        #expect((0..<6).compactMap { _ in balancer.pick() } == [0, 1, 2, 0, 1, 2])
        balancer.markDown(1)
        #expect((0..<4).compactMap { _ in balancer.pick() } == [0, 2, 0, 2])
    }

    @Test("least-outstanding picks the replica holding the fewest unanswered utterances")
    func leastOutstanding() {
        var balancer = ReplicaBalancer(replicas: 3, policy: .leastOutstanding, window: 100)
        for replica in 0..<3 { balancer.markUp(replica) }
        #expect((0..<3).compactMap { _ in balancer.pick() }.sorted() == [0, 1, 2])
        balancer.answered(2)
        balancer.answered(2)  // never below zero
        #expect(balancer.pick() == 2)
        #expect(balancer.outstanding == [1, 1, 1])
        balancer.answered(1)
        #expect(balancer.pick() == 1)
    }

    @Test("the window bounds what a replica holds; nothing is picked when all are down or full")
    func window() {
        var balancer = ReplicaBalancer(replicas: 2, policy: .roundRobin, window: 2)
        #expect(balancer.pick() == nil)
        balancer.markUp(0)
        #expect(balancer.pick() == 0)
        #expect(balancer.pick() == 0)
        #expect(balancer.pick() == nil)
        balancer.answered(0)
        #expect(balancer.pick() == 0)
        balancer.markDown(0)
        #expect(!balancer.anyUp)
        #expect(balancer.pick() == nil)
    }
}

@Suite("Pacing, backoff and progress")
struct PacingTests {
    @Test("a rate releases utterance i at i/rate from the start; no rate releases all at once")
    func pacing() {
        let paced = PacingSchedule(rate: 4)
        #expect(paced.offset(of: 0) == .zero)
        #expect(paced.offset(of: 2) == .milliseconds(500))
        #expect(paced.offset(of: 10) == .milliseconds(2500))
        #expect(PacingSchedule(rate: nil).offset(of: 1000) == .zero)
    }

    @Test("backoff grows exponentially to the cap, jittered into [half, full)")
    func backoff() {
        var backoff = Backoff(initial: .milliseconds(100), maximum: .seconds(1), seed: 7)
        let delays = (1...8).map { backoff.delay(attempt: $0) }
        let bases: [Duration] =
            [.milliseconds(100), .milliseconds(200), .milliseconds(400), .milliseconds(800)]
            + Array(repeating: .seconds(1), count: 4)
        for (delay, base) in zip(delays, bases) {
            #expect(delay >= base / 2 && delay < base, "\(delay) for base \(base)")
        }
    }

    @Test("progress shows done of total, rate and ETA")
    func progress() {
        let meter = ProgressMeter(total: 100)
        #expect(meter.line(done: 25, elapsed: .seconds(5)) == "25/100 done, 5.0 utt/s, ETA 15 s")
        #expect(meter.line(done: 0, elapsed: .zero) == "0/100 done, 0.0 utt/s, ETA unknown")
        #expect(meter.line(done: 100, elapsed: .seconds(200)) == "100/100 done, 0.5 utt/s, finished")
        #expect(meter.line(done: 1, elapsed: .seconds(2)) == "1/100 done, 0.5 utt/s, ETA 3 min 18 s")
    }
}
