import H2RPC
import Logging
import RescoringMessages
import RescoringRPC
import Simulation

/// Sends the forwarder's records to the aggregator, one client-streaming `Record` call per
/// batch, reconnecting with backoff when the aggregator goes away and resending the batch it
/// had not acknowledged.
struct RecordDelivery: Sendable {
    var host: String
    var port: Int
    var configuration: ClientConfiguration
    var peerTimeout: Duration
    /// How long one `Record` call may take before it counts as lost and its batch is resent
    /// (shorter than the peer timeout, so a call on a connection whose server vanished without a
    /// reset is noticed in seconds; resending is safe because the aggregator upserts).
    var callTimeout: Duration
    var logger: Logger

    /// Runs until the forwarder is closed and drained (nil) or the aggregator has been
    /// unreachable for the peer timeout (the error, also handed to the forwarder).
    func run(_ forwarder: RecordForwarder) async -> SimulationRunError? {
        var backoff = Backoff(seed: 0xA66)
        var failures = 0
        var downSince: ContinuousClock.Instant?
        var lastBatchFailed = false
        while !Task.isCancelled {
            do {
                let drained = try await withRPCClient(
                    host: host, port: port, configuration: configuration, logger: logger
                ) { client in
                    let aggregator = MetricsAggregatorClient(client)
                    while let batch = await forwarder.nextBatch() {
                        // A hung aggregator counts as gone: the batch is resent after reconnecting.
                        let response = try await aggregator.record(options: CallOptions(timeout: callTimeout))
                        {
                            writer in
                            try await writer.write(contentsOf: batch)
                        }
                        await forwarder.acknowledge(
                            batch.count, summary: response.message, resent: lastBatchFailed)
                        lastBatchFailed = false
                        failures = 0
                        downSince = nil
                    }
                    return true
                }
                if drained { return nil }
            } catch {
                lastBatchFailed = true
                failures += 1
                await forwarder.noteFailedCall()
                let now = ContinuousClock.now
                let since = downSince ?? now
                downSince = since
                logger.warning("aggregator call failed; will resend", metadata: ["error": "\(error)"])
                if now - since > peerTimeout {
                    let failure = SimulationRunError(
                        "the aggregator at \(host):\(port) has been unreachable for \(peerTimeout): \(error)")
                    await forwarder.fail(failure)
                    return failure
                }
                try? await Task.sleep(for: backoff.delay(attempt: failures))
            }
        }
        return SimulationRunError("record delivery was cancelled")
    }
}
