import H2RPC
import Logging
import RescoringMessages
import RescoringRPC
import Synchronization

/// The client side of the service figures, against one `lora-rescorer` on `port`.
struct ServiceCalls {
    static let logger = Logger(label: "services-bench") { _ in SwiftLogNoOpLogHandler() }

    let port: Int
    let workload: Workload

    /// Throughput and per-call latency of one pass of every final list through `RescoreOne`,
    /// `concurrency` callers at once (one connection each).
    func rescoreOne(concurrency: Int) async throws -> (hypothesesPerSecond: Double, latenciesMs: [Double]) {
        let utterances = workload.utterances
        let started = ContinuousClock.now
        let latencies = try await withThrowingTaskGroup(of: [Double].self) { group in
            for worker in 0..<concurrency {
                group.addTask {
                    try await withRPCClient(host: "127.0.0.1", port: port, logger: Self.logger) { client in
                        let rescorer = RescorerClient(client)
                        var latencies: [Double] = []
                        for index in stride(from: worker, to: utterances.count, by: concurrency) {
                            let request = workload.finalRequest(
                                utterances[index], session: "rescore-one-\(index)", sequence: 0)
                            let sent = ContinuousClock.now
                            _ = try await rescorer.rescoreOne(request)
                            latencies.append(Statistics.seconds(ContinuousClock.now - sent) * 1000)
                        }
                        return latencies
                    }
                }
            }
            var all: [Double] = []
            for try await part in group { all += part }
            return all
        }
        let elapsed = Statistics.seconds(ContinuousClock.now - started)
        return (Double(workload.hypothesisCount) / elapsed, latencies)
    }

    /// Milliseconds from sending each utterance's final list on a `Rescore` stream to receiving
    /// its result; with `partials`, the utterance's partial lists go first on the same stream
    /// and their results are awaited (untimed), so the final can reuse their LM states.
    /// One stream per utterance, `concurrency` streams at once.
    func finalLatencies(partials: Bool, concurrency: Int) async throws -> [Double] {
        let utterances = workload.utterances
        return try await withThrowingTaskGroup(of: [Double].self) { group in
            for worker in 0..<concurrency {
                group.addTask {
                    try await withRPCClient(host: "127.0.0.1", port: port, logger: Self.logger) { client in
                        let rescorer = RescorerClient(client)
                        var latencies: [Double] = []
                        for index in stride(from: worker, to: utterances.count, by: concurrency) {
                            latencies.append(
                                try await finalLatency(
                                    utterances[index], partials: partials, rescorer: rescorer))
                        }
                        return latencies
                    }
                }
            }
            var all: [Double] = []
            for try await part in group { all += part }
            return all
        }
    }

    private func finalLatency(_ utterance: Workload.Utterance, partials: Bool, rescorer: RescorerClient)
        async throws -> Double
    {
        let session = "latency-\(partials ? "partials" : "final-only")-\(utterance.id)"
        let earlier =
            partials ? workload.partialRequests(utterance, session: session, firstSequence: 0) : []
        let final = workload.finalRequest(utterance, session: session, sequence: UInt64(earlier.count))
        return try await rescorer.rescore { writer, results in
            var iterator = results.makeAsyncIterator()
            for request in earlier {
                try await writer.write(request)
                guard try await iterator.next() != nil else {
                    throw BenchError("stream ended before the result of a partial list")
                }
            }
            let sent = ContinuousClock.now
            try await writer.write(final)
            guard let result = try await iterator.next(), result.kind == .final else {
                throw BenchError("stream ended before the result of the final list")
            }
            return Statistics.seconds(ContinuousClock.now - sent) * 1000
        }
    }
}
