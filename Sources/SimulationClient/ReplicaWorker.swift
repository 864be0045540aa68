import H2RPC
import Logging
import RescoringMessages
import RescoringRPC
import RescoringWire
import Simulation

/// Keeps one replica slot busy: connects (re-resolving a DNS slot each time), checks health,
/// holds one bidirectional `Rescore` stream sending the plans the coordinator assigns, and
/// reports every final result. When the stream fails it tells the coordinator (which resends
/// what was unanswered) and reconnects with backoff until the run is over.
struct ReplicaWorker: Sendable {
    var slot: Int
    var endpoint: ReplicaEndpoint
    var coordinator: RunCoordinator
    var forwarder: RecordForwarder
    var runID: String
    var adapter: String
    var configuration: ClientConfiguration
    var logger: Logger

    func run() async {
        var backoff = Backoff(seed: UInt64(slot) + 1)
        var failures = 0
        while !Task.isCancelled, await !coordinator.isFinished {
            var epoch: Int?
            do {
                let (host, port) = try endpoint.resolve()
                try await withRPCClient(host: host, port: port, configuration: configuration, logger: logger)
                {
                    client in
                    let status = try await HealthClient(client).check(
                        service: RescorerMethods.serviceName,
                        options: CallOptions(timeout: configuration.connectTimeout))
                    guard status == .serving else {
                        throw SimulationRunError("\(endpoint) is not SERVING the Rescorer")
                    }
                    guard let (current, plans) = await coordinator.connected(slot) else { return }
                    epoch = current
                    failures = 0
                    logger.info(
                        "replica up", metadata: ["replica": "\(endpoint)", "address": "\(host):\(port)"])
                    try await stream(on: client, plans: plans, epoch: current)
                }
                if let current = epoch { await coordinator.lost(slot, epoch: current, error: nil) }
            } catch {
                // The run is over and its end cancelled this worker: a stream closed on purpose.
                if Task.isCancelled { return }
                if await coordinator.isFinished { return }
                if let current = epoch {
                    logger.warning(
                        "replica stream failed", metadata: ["replica": "\(endpoint)", "error": "\(error)"])
                    await coordinator.lost(slot, epoch: current, error: "\(error)")
                } else {
                    await coordinator.connectFailed(slot, error: "\(error)")
                }
            }
            if Task.isCancelled { return }
            if await coordinator.isFinished { return }
            failures += 1
            try? await Task.sleep(for: backoff.delay(attempt: failures))
        }
    }

    private func stream(on client: RPCClient, plans: AsyncStream<UtterancePlan>, epoch: Int) async throws {
        let adapter = adapter
        try await RescorerClient(client).rescore { writer, responses in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    for await plan in plans {
                        for list in plan.lists {
                            try await writer.write(
                                RescoreRequest(
                                    nbest: NBestListMessage(list), config: RescoringConfig(adapter: adapter)))
                        }
                    }
                    writer.finish()
                }
                for try await result in responses where result.kind == .final {
                    let (acceptance, plan) = await coordinator.answered(slot, epoch: epoch, result)
                    guard acceptance == .accepted, let plan else { continue }
                    try await forwarder.submit(
                        EvaluationRecord(
                            runID: runID, utteranceID: plan.key.utteranceID, condition: plan.key.condition,
                            reference: plan.reference, firstPass: NBestListMessage(plan.final),
                            rescored: result))
                    await coordinator.recordedOne()
                }
                try await group.waitForAll()
            }
        }
    }
}
