import RescoringMessages
import Simulation

/// The state of a run shared by the replica workers: what is pending, what each replica holds
/// unanswered, what has been answered and recorded.
///
/// Failover lives here: when a replica's stream fails, every utterance it held unanswered goes
/// back to the front of the pending queue and is handed to the replicas still up. Answers are
/// offered to a `ResultLedger`, so an utterance answered twice counts once. The run is complete
/// when every utterance's record has been handed to the forwarder.
actor RunCoordinator {
    private struct Slot {
        let endpoint: ReplicaEndpoint
        var queue: AsyncStream<UtterancePlan>.Continuation?
        var epoch = 0
        var inFlight: [UtteranceKey] = []
        var lastError: String?
        var everUp = false
        var failedConnects = 0
    }

    private var slots: [Slot]
    private var balancer: ReplicaBalancer
    private var pending: [UtterancePlan] = []
    private let plans: [UtteranceKey: UtterancePlan]
    private var ledger: ResultLedger<RescoreResult>
    private var recorded = 0
    private var resent = 0
    private var outcome: Result<Void, SimulationRunError>?
    private var waiters: [CheckedContinuation<Result<Void, SimulationRunError>, Never>] = []
    private var allDownSince: ContinuousClock.Instant?
    private let peerTimeout: Duration
    private let progress: @Sendable (Int) -> Void

    init(
        plans: [UtterancePlan], endpoints: [ReplicaEndpoint], policy: BalancingPolicy, window: Int,
        peerTimeout: Duration, progress: @escaping @Sendable (Int) -> Void
    ) {
        self.plans = Dictionary(plans.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        ledger = ResultLedger(expecting: plans.map(\.key))
        slots = endpoints.map { Slot(endpoint: $0) }
        balancer = ReplicaBalancer(replicas: endpoints.count, policy: policy, window: window)
        self.peerTimeout = peerTimeout
        self.progress = progress
    }

    var isFinished: Bool { outcome != nil }

    /// The pacer releases an utterance.
    func release(_ plan: UtterancePlan) {
        pending.append(plan)
        dispatch()
    }

    /// A replica is up: returns its stream epoch and the plans to send on it, or nil when the
    /// run is over.
    func connected(_ slot: Int) -> (epoch: Int, plans: AsyncStream<UtterancePlan>)? {
        guard outcome == nil else { return nil }
        // A previous stream not yet reported lost gives its unanswered utterances back first.
        if slots[slot].queue != nil { lost(slot, epoch: slots[slot].epoch, error: nil) }
        let (stream, continuation) = AsyncStream.makeStream(of: UtterancePlan.self)
        slots[slot].queue = continuation
        slots[slot].epoch += 1
        slots[slot].inFlight = []
        slots[slot].everUp = true
        slots[slot].failedConnects = 0
        balancer.markUp(slot)
        allDownSince = nil
        dispatch()
        return (slots[slot].epoch, stream)
    }

    /// A final result arrived on `slot`'s stream `epoch`: the plan it answers, and whether it
    /// is the first answer for that utterance.
    func answered(_ slot: Int, epoch: Int, _ result: RescoreResult) -> (
        acceptance: ResultLedger<RescoreResult>.Acceptance, plan: UtterancePlan?
    ) {
        let key = UtteranceKey(condition: result.sessionID, utteranceID: result.utteranceID)
        if slots[slot].epoch == epoch, let index = slots[slot].inFlight.firstIndex(of: key) {
            slots[slot].inFlight.remove(at: index)
            balancer.answered(slot)
        }
        let acceptance = ledger.offer(result, for: key)
        dispatch()
        return (acceptance, plans[key])
    }

    /// The record of an accepted result is in the forwarder's buffer.
    func recordedOne() {
        recorded += 1
        progress(recorded)
        if recorded == ledger.expected.count { finish(.success(())) }
    }

    /// `slot`'s stream `epoch` ended (error, or the replica closed it): resend what it held.
    func lost(_ slot: Int, epoch: Int, error: String?) {
        guard slots[slot].epoch == epoch, slots[slot].queue != nil else { return }
        slots[slot].queue?.finish()
        slots[slot].queue = nil
        if let error { slots[slot].lastError = error }
        let unanswered = slots[slot].inFlight.filter { !ledger.hasResult(for: $0) }.compactMap { plans[$0] }
        slots[slot].inFlight = []
        balancer.markDown(slot)
        resent += unanswered.count
        pending.insert(contentsOf: unanswered, at: 0)
        if !balancer.anyUp, allDownSince == nil { allDownSince = .now }
        dispatch()
    }

    /// A connect attempt of `slot` failed. Gives up when no replica was ever reached and all
    /// have been tried, or when none has been up for the peer timeout.
    func connectFailed(_ slot: Int, error: String) {
        slots[slot].lastError = error
        slots[slot].failedConnects += 1
        guard outcome == nil, !balancer.anyUp else { return }
        let now = ContinuousClock.now
        if allDownSince == nil { allDownSince = now }
        let reasons = slots.map { "\($0.endpoint): \($0.lastError ?? "not tried yet")" }.joined(
            separator: "; ")
        if slots.allSatisfy({ !$0.everUp && $0.failedConnects > 0 }) {
            finish(.failure(SimulationRunError("no rescorer replica is reachable (\(reasons))")))
        } else if let since = allDownSince, now - since > peerTimeout {
            finish(
                .failure(
                    SimulationRunError(
                        "no rescorer replica has been reachable for \(peerTimeout) (\(reasons))")))
        }
    }

    /// Ends the run with a failure found elsewhere (the forwarder gave up).
    func fail(_ error: SimulationRunError) {
        finish(.failure(error))
    }

    /// Waits until the run is complete or has failed.
    func waitUntilFinished() async -> Result<Void, SimulationRunError> {
        if let outcome { return outcome }
        return await withCheckedContinuation { waiters.append($0) }
    }

    /// The figures of the run so far.
    var tally: (results: [UtteranceKey: RescoreResult], resent: Int, duplicates: Int, missing: [UtteranceKey])
    {
        (ledger.results, resent, ledger.duplicates, ledger.missing)
    }

    private func dispatch() {
        guard outcome == nil else { return }
        while !pending.isEmpty {
            if ledger.hasResult(for: pending[0].key) {
                pending.removeFirst()
                continue
            }
            guard let slot = balancer.pick() else { return }
            let plan = pending.removeFirst()
            slots[slot].inFlight.append(plan.key)
            slots[slot].queue?.yield(plan)
        }
    }

    private func finish(_ result: Result<Void, SimulationRunError>) {
        guard outcome == nil else { return }
        outcome = result
        for index in slots.indices {
            slots[index].queue?.finish()
            slots[index].queue = nil
        }
        for waiter in waiters { waiter.resume(returning: result) }
        waiters = []
    }
}
