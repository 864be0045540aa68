import Foundation
import H2RPC
import Logging
import RawHTTP2Peer
import RescoringMessages
import RescoringRPC
import Synchronization

/// What the well-behaved side saw during a phase.
struct WellBehavedFigures: Sendable {
    var calls = 0
    var failures = 0
    var healthChecks = 0
    var healthSuccesses = 0
    var healthLatenciesMs: [Double] = []
    /// Why the first failed health check failed, so a report says more than a rate.
    var firstHealthFailure: String?

    var healthSuccessRate: Double { healthChecks == 0 ? 0 : Double(healthSuccesses) / Double(healthChecks) }

    func healthPercentile(_ fraction: Double) -> Double {
        guard !healthLatenciesMs.isEmpty else { return .nan }
        let sorted = healthLatenciesMs.sorted()
        return sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * fraction).rounded(.up)))]
    }
}

/// The abusive kinds of a phase.
enum Abuse: String, CaseIterable, Sendable {
    /// Calls reset (RST_STREAM) right after the request is sent.
    case reset
    /// RescoreOne with a huge N-best list.
    case oversized
    /// Streams whose message length prefix claims 4 MiB, followed by silence.
    case halfSent = "half-sent"
}

/// Settings of the clients.
struct ClientSettings: Sendable {
    var port: Int
    var workload: Workload
    var goodClients: Int
    var healthInterval: Duration
    var oversizedHypotheses: Int
    var halfSentStreams: Int
    var resetWorkers: Int
}

enum Clients {
    static let logger = Logger(label: "abuse-bench") { _ in SwiftLogNoOpLogHandler() }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
    }

    /// Runs the well-behaved client (RescoreOne loops) and the health prober until `end`,
    /// counting into `figures` as it goes (so a phase can read them even if a call is stuck).
    static func wellBehaved(
        _ settings: ClientSettings, until end: ContinuousClock.Instant,
        into figures: Shared<WellBehavedFigures>
    ) async {
        await withTaskGroup(of: Void.self) { group in
            for worker in 0..<settings.goodClients {
                group.addTask {
                    try? await withRPCClient(host: "127.0.0.1", port: settings.port, logger: logger) {
                        client in
                        let rescorer = RescorerClient(client)
                        var index = worker
                        while ContinuousClock.now < end {
                            let request = settings.workload.request(index)
                            index += settings.goodClients
                            do {
                                // A call still running a second after the phase is no use to it.
                                _ = try await rescorer.rescoreOne(
                                    request,
                                    options: CallOptions(timeout: end - ContinuousClock.now + .seconds(1)))
                                if ContinuousClock.now <= end { figures.withLock { $0.calls += 1 } }
                            } catch {
                                figures.withLock { $0.failures += 1 }
                            }
                        }
                    }
                }
            }
            group.addTask {
                // A separate connection, as a load balancer's checker would use.
                try? await withRPCClient(host: "127.0.0.1", port: settings.port, logger: logger) { client in
                    let health = HealthClient(client)
                    var next = ContinuousClock.now
                    while ContinuousClock.now < end, !Task.isCancelled {
                        let started = ContinuousClock.now
                        var failure: String?
                        do {
                            let status = try await health.check(options: CallOptions(timeout: .seconds(1)))
                            if status != .serving { failure = "status \(status)" }
                        } catch {
                            failure = "\(error)"
                        }
                        let ok = failure == nil
                        let latency = seconds(ContinuousClock.now - started) * 1000
                        // Failed checks count at the time they took (up to the 1 s timeout), so
                        // p99 cannot look good while checks fail.
                        figures.withLock {
                            $0.healthChecks += 1
                            $0.healthLatenciesMs.append(latency)
                            if ok { $0.healthSuccesses += 1 }
                            if $0.firstHealthFailure == nil { $0.firstHealthFailure = failure }
                        }
                        // Pace the probes: a checker polls at a fixed rate, it does not flood.
                        // A slow check delays the next one instead of triggering a burst after it.
                        next = max(next + settings.healthInterval, ContinuousClock.now)
                        if next > ContinuousClock.now { try? await Task.sleep(until: next) }
                    }
                }
            }
        }
    }

    /// Runs one abusive client until `end` (none for the baseline), counting the abusive calls
    /// (or streams) it makes into `count`.
    static func abuse(
        _ kind: Abuse?, _ settings: ClientSettings, until end: ContinuousClock.Instant, count: Shared<Int>
    ) async {
        switch kind {
        case nil:
            return
        case .reset:
            await withTaskGroup(of: Void.self) { group in
                for worker in 0..<settings.resetWorkers {
                    group.addTask {
                        var index = worker
                        while ContinuousClock.now < end {
                            // A fresh connection when the server sends GOAWAY for too many resets.
                            try? await withRPCClient(host: "127.0.0.1", port: settings.port, logger: logger) {
                                client in
                                let rescorer = RescorerClient(client)
                                while ContinuousClock.now < end {
                                    let request = settings.workload.request(index)
                                    index += settings.resetWorkers
                                    count.withLock { $0 += 1 }
                                    // Returning from the body right after the write resets the call.
                                    let options = CallOptions(
                                        timeout: max(.milliseconds(1), end - ContinuousClock.now))
                                    try await rescorer.rescore(options: options) { writer, _ in
                                        try await writer.write(request)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        case .oversized:
            let request = oversizedRequest(settings)
            try? await withRPCClient(host: "127.0.0.1", port: settings.port, logger: logger) { client in
                let rescorer = RescorerClient(client)
                await withTaskGroup(of: Void.self) { group in
                    for _ in 0..<2 {
                        group.addTask {
                            while ContinuousClock.now < end {
                                count.withLock { $0 += 1 }
                                // The caller gives up at the phase's end; what the server does then is measured.
                                let timeout = end - ContinuousClock.now
                                _ = try? await rescorer.rescoreOne(
                                    request, options: CallOptions(timeout: timeout))
                            }
                        }
                    }
                }
            }
        case .halfSent:
            let perConnection = 100
            var connections: [HalfSentConnection] = []
            var opened = 0
            while opened < settings.halfSentStreams, ContinuousClock.now < end {
                guard let connection = try? HalfSentConnection(host: "127.0.0.1", port: settings.port) else {
                    break
                }
                connections.append(connection)
                for stream in 0..<min(perConnection, settings.halfSentStreams - opened) {
                    do {
                        try connection.openHalfSentStream(
                            id: UInt32(2 * stream + 1), authority: "127.0.0.1:\(settings.port)",
                            path: "/\(RescorerMethods.serviceName)/RescoreOne", claimedBytes: 4 << 20,
                            sentBytes: 1024)
                        opened += 1
                    } catch {
                        break
                    }
                }
            }
            count.withLock { $0 = opened }
            if end > ContinuousClock.now { try? await Task.sleep(until: end) }
            for connection in connections { connection.close() }
        }
    }
}

extension Clients {
    /// A list of `settings.oversizedHypotheses` distinct hypotheses (variants of real lists).
    static func oversizedRequest(_ settings: ClientSettings) -> RescoreRequest {
        var request = settings.workload.request(0, hypotheses: 10)
        let base = settings.workload.request(1, hypotheses: 10).nbest?.hypotheses ?? []
        let vocabulary = settings.workload.vocabulary
        request.nbest?.hypotheses = (0..<settings.oversizedHypotheses).map { index in
            var hypothesis = base[index % base.count]
            hypothesis.text += " \(vocabulary[index % vocabulary.count])"
            return hypothesis
        }
        return request
    }
}

/// Runs `body` in a task of its own and waits for it until `limit`; past that, cancels it and
/// stops waiting (the task is abandoned), so a stuck call cannot stall the benchmark.
///
/// - Returns: true when `body` finished in time.
func finishes(by limit: ContinuousClock.Instant, _ body: @escaping @Sendable () async -> Void) async -> Bool {
    let resumed = Shared(false)
    return await withCheckedContinuation { continuation in
        let work = Task {
            await body()
            if resumed.withLock({ flag in
                defer { flag = true }
                return !flag
            }) {
                continuation.resume(returning: true)
            }
        }
        Task {
            try? await Task.sleep(until: limit)
            if resumed.withLock({ flag in
                defer { flag = true }
                return !flag
            }) {
                work.cancel()
                continuation.resume(returning: false)
            }
        }
    }
}

/// A value shared by the tasks of a phase: a class around a `Mutex`, so closures can capture it.
final class Shared<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>

    init(_ value: Value) { mutex = Mutex(value) }

    func withLock<Result>(_ body: (inout Value) -> Result) -> Result {
        mutex.withLock { body(&$0) }
    }
}
