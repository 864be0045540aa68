import H2RPC
public import Logging
public import RescoringMessages
import RescoringRPC
public import Simulation

/// What a run needs besides its plans.
public struct SimulationRunConfiguration: Sendable {
    /// One slot per replica (fixed addresses and/or the addresses of a DNS name).
    public var replicas: [ReplicaEndpoint]
    public var aggregatorHost: String
    public var aggregatorPort: Int
    public var runID: String
    /// Adapter every request names; empty means the base model.
    public var adapter = ""
    public var policy = BalancingPolicy.roundRobin
    /// Unanswered utterances allowed per replica at once.
    public var window = 4
    public var pacing = PacingSchedule(rate: nil)
    /// How long every replica (or the aggregator) may stay unreachable before the run fails.
    public var peerTimeout: Duration = .seconds(30)
    /// Records held until acknowledged; a full buffer slows the run.
    public var recordBuffer = 256
    /// Records per `Record` call.
    public var recordBatch = 32
    /// How long one `Record` call may take before its batch is resent.
    public var recordCallTimeout: Duration = .seconds(30)
    public var connectTimeout: Duration = .seconds(5)
    public var bearerToken: String?

    public init(replicas: [ReplicaEndpoint], aggregatorHost: String, aggregatorPort: Int, runID: String) {
        self.replicas = replicas
        self.aggregatorHost = aggregatorHost
        self.aggregatorPort = aggregatorPort
        self.runID = runID
    }
}

/// What a completed run did.
public struct SimulationRunReport: Sendable {
    public var utterances: Int
    /// The accepted final result of every utterance.
    public var results: [UtteranceKey: RescoreResult]
    /// Utterances answered per `replica_id`.
    public var perReplica: [String: Int]
    /// Utterances resent after their replica failed.
    public var resent: Int
    /// Late second answers ignored by the ledger.
    public var duplicatesIgnored: Int
    public var recordsSubmitted: Int
    public var recordsAcknowledged: Int
    public var recordsAccepted: UInt64
    public var recordsDuplicate: UInt64
    public var recordsRejected: UInt64
    /// The aggregator's reasons for rejected records (at most 10).
    public var rejectionReasons: [String]
    public var elapsed: Duration

    /// True when every utterance has a result and every record was acknowledged and accepted.
    public var isComplete: Bool {
        results.count == utterances && recordsSubmitted == utterances
            && recordsAcknowledged == recordsSubmitted
            && recordsRejected == 0
    }
}

/// Runs plans against rescorer replicas and forwards every result to the aggregator.
public enum SimulationRunner {
    /// Runs `plans` to completion.
    ///
    /// - Parameter progress: called with the number of utterances recorded so far.
    /// - Throws: `SimulationRunError` when the aggregator or every replica is unreachable (at
    ///   the start, or for longer than the peer timeout during the run).
    public static func run(
        _ plans: [UtterancePlan], configuration: SimulationRunConfiguration, logger: Logger,
        progress: @escaping @Sendable (Int) -> Void = { _ in }
    ) async throws(SimulationRunError) -> SimulationRunReport {
        let started = ContinuousClock.now
        let client = clientConfiguration(configuration)
        try await checkAggregator(configuration, client: client, logger: logger)

        let coordinator = RunCoordinator(
            plans: plans, endpoints: configuration.replicas, policy: configuration.policy,
            window: configuration.window, peerTimeout: configuration.peerTimeout, progress: progress)
        let forwarder = RecordForwarder(
            capacity: configuration.recordBuffer, batchSize: configuration.recordBatch)
        let delivery = RecordDelivery(
            host: configuration.aggregatorHost, port: configuration.aggregatorPort, configuration: client,
            peerTimeout: configuration.peerTimeout, callTimeout: configuration.recordCallTimeout,
            logger: logger)

        let (outcome, deliveryFailure) = await withTaskGroup(of: SimulationRunError?.self) { deliveryGroup in
            deliveryGroup.addTask {
                let failure = await delivery.run(forwarder)
                if let failure { await coordinator.fail(failure) }
                return failure
            }
            let outcome = await withTaskGroup(of: Void.self) { group in
                for (slot, endpoint) in configuration.replicas.enumerated() {
                    let worker = ReplicaWorker(
                        slot: slot, endpoint: endpoint, coordinator: coordinator, forwarder: forwarder,
                        runID: configuration.runID, adapter: configuration.adapter, configuration: client,
                        logger: logger)
                    group.addTask { await worker.run() }
                }
                group.addTask {
                    let start = ContinuousClock.now
                    for (index, plan) in plans.enumerated() {
                        let due = start + configuration.pacing.offset(of: index)
                        if due > .now { try? await Task.sleep(until: due) }
                        if Task.isCancelled { return }
                        await coordinator.release(plan)
                    }
                }
                let outcome = await coordinator.waitUntilFinished()
                group.cancelAll()
                return outcome
            }
            await forwarder.close()
            if case .failure(let error) = outcome { await forwarder.fail(error) }
            let deliveryFailure = await deliveryGroup.next() ?? nil
            return (outcome, deliveryFailure)
        }
        if case .failure(let error) = outcome { throw error }
        if let deliveryFailure { throw deliveryFailure }

        let tally = await coordinator.tally
        let totals = await forwarder.currentTotals
        var perReplica: [String: Int] = [:]
        for result in tally.results.values { perReplica[result.replicaID, default: 0] += 1 }
        return SimulationRunReport(
            utterances: plans.count, results: tally.results, perReplica: perReplica, resent: tally.resent,
            duplicatesIgnored: tally.duplicates, recordsSubmitted: totals.submitted,
            recordsAcknowledged: totals.acknowledged, recordsAccepted: totals.accepted,
            recordsDuplicate: totals.duplicates, recordsRejected: totals.rejected,
            rejectionReasons: totals.errors, elapsed: ContinuousClock.now - started)
    }

    /// Checks, before any expensive preparation, that the aggregator is SERVING and at least
    /// one replica serves the Rescorer, so an unreachable peer fails the run at once.
    ///
    /// - Throws: `SimulationRunError` naming the peer(s) and why.
    public static func checkPeers(_ configuration: SimulationRunConfiguration, logger: Logger)
        async throws(SimulationRunError)
    {
        let client = clientConfiguration(configuration)
        try await checkAggregator(configuration, client: client, logger: logger)
        var reasons: [String] = []
        for endpoint in configuration.replicas {
            do {
                let (host, port) = try endpoint.resolve()
                let status = try await withRPCClient(
                    host: host, port: port, configuration: client, logger: logger
                ) {
                    try await HealthClient($0).check(
                        service: RescorerMethods.serviceName,
                        options: CallOptions(timeout: configuration.connectTimeout))
                }
                if status == .serving { return }
                reasons.append("\(endpoint): not SERVING")
            } catch let error as RPCError {
                reasons.append("\(endpoint): \(error.code): \(error.message)")
            } catch {
                reasons.append("\(endpoint): \(error)")
            }
        }
        throw SimulationRunError("no rescorer replica is reachable (\(reasons.joined(separator: "; ")))")
    }

    private static func clientConfiguration(_ configuration: SimulationRunConfiguration)
        -> ClientConfiguration
    {
        var client = ClientConfiguration()
        client.connectTimeout = configuration.connectTimeout
        client.bearerToken = configuration.bearerToken
        return client
    }

    /// Fails at once, with one line, when the aggregator does not answer its health check.
    private static func checkAggregator(
        _ configuration: SimulationRunConfiguration, client: ClientConfiguration, logger: Logger
    ) async throws(SimulationRunError) {
        let target = "\(configuration.aggregatorHost):\(configuration.aggregatorPort)"
        do {
            let status = try await withRPCClient(
                host: configuration.aggregatorHost, port: configuration.aggregatorPort, configuration: client,
                logger: logger
            ) {
                try await HealthClient($0).check(options: CallOptions(timeout: configuration.connectTimeout))
            }
            guard status == .serving else {
                throw SimulationRunError("the aggregator at \(target) is not SERVING")
            }
        } catch let error as SimulationRunError {
            throw error
        } catch let error as RPCError {
            throw SimulationRunError(
                "cannot reach the aggregator at \(target): \(error.code): \(error.message)")
        } catch {
            throw SimulationRunError("cannot reach the aggregator at \(target): \(error)")
        }
    }
}
