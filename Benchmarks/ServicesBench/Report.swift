import Foundation

/// What `services-bench` prints: medians, each figure beside its peer, the ratio and its goal,
/// the per-run ratios, the configuration and /proc/loadavg around the whole measurement.
struct Report: Sendable {
    var settings: [String: String]
    var runs: [Figures]
    /// The finals' LM positions from scratch and after partials (counted once: deterministic).
    var work: PartialsWork
    var loadBefore: String
    var loadAfter: String

    static func loadAverage() -> String {
        ((try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? "unavailable")
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The work line: positions from scratch and after partials, and the speed-up they allow.
    static func workLine(_ work: PartialsWork) -> String {
        String(
            format:
                "LM positions of the finals: from scratch %d, after partials %d (partials %d); work ratio %.2f",
            work.coldPositions, work.warmPositions, work.partialPositions, work.ratio)
    }

    func text() -> String {
        let m = Figures.median(runs)
        func f(_ value: Double, _ digits: Int = 1) -> String { String(format: "%.\(digits)f", value) }
        func perRun(_ ratio: KeyPath<Figures, Double>) -> String {
            runs.map { f($0[keyPath: ratio], 2) }.joined(separator: " ")
        }
        let configuration = settings.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        return """
            Services benchmark (median of \(runs.count) run(s)); \(configuration.joined(separator: " "))
              service throughput (RescoreOne)     \(f(m.serviceHypothesesPerSecond)) hyp/s
                peer: engine in-process           \(f(m.engineHypothesesPerSecond)) hyp/s
                ratio service/engine              \(f(m.serviceOverEngine, 2))  (goal >= 0.80; per run: \(perRun(\.serviceOverEngine)))
              end to end, 2 replicas              \(f(m.endToEndTwoReplicas, 2)) utt/s
                peer: 1 replica                   \(f(m.endToEndOneReplica, 2)) utt/s
                ratio 2/1                         \(f(m.twoOverOneReplica, 2))  (goal >= 1.60 on 2 cores; per run: \(perRun(\.twoOverOneReplica)))
              final latency after partials        p50 \(f(m.afterPartialsP50Ms)) ms  p99 \(f(m.afterPartialsP99Ms)) ms
                peer: final only (no partials)    p50 \(f(m.finalOnlyP50Ms)) ms  p99 \(f(m.finalOnlyP99Ms)) ms
                ratio final-only/after-partials   \(f(m.partialsSpeedupP50, 2))  at p50 (goal >= 3.00; per run: \(perRun(\.partialsSpeedupP50)))
                bound: \(Self.workLine(work))
              dynamic batching on (default)       \(f(m.batchingHypothesesPerSecond)) hyp/s  p50 \(f(m.batchingP50Ms)) ms  p99 \(f(m.batchingP99Ms)) ms
                peer: --max-batch 1               \(f(m.noBatchingHypothesesPerSecond)) hyp/s  p50 \(f(m.noBatchingP50Ms)) ms  p99 \(f(m.noBatchingP99Ms)) ms
                ratio on/off (throughput)         \(f(m.batchingSpeedup, 2))  (no goal in the issue; per run: \(perRun(\.batchingSpeedup)))
              loadavg before: \(loadBefore)
              loadavg after:  \(loadAfter)
            """
    }

    func json() -> String {
        struct Output: Encodable {
            var settings: [String: String]
            var median: Figures
            var runs: [Figures]
            var work: PartialsWork
            var ratios: [String: Double]
            var goals: [String: Double]
            var loadavgBefore: String
            var loadavgAfter: String
        }
        let m = Figures.median(runs)
        let output = Output(
            settings: settings, median: m, runs: runs, work: work,
            ratios: [
                "serviceOverEngine": m.serviceOverEngine, "twoOverOneReplica": m.twoOverOneReplica,
                "partialsSpeedupP50": m.partialsSpeedupP50, "batchingSpeedup": m.batchingSpeedup,
                "partialsWorkRatio": work.ratio,
            ],
            goals: ["serviceOverEngine": 0.8, "twoOverOneReplica": 1.6, "partialsSpeedupP50": 3],
            loadavgBefore: loadBefore, loadavgAfter: loadAfter)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        guard let data = try? encoder.encode(output) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }
}
