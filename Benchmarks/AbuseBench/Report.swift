import Foundation

/// Medians over runs, goal lines, and the JSON form.
struct Report {
    let runs: [PhaseFigures]
    let peakIsPerPhase: Bool
    let seconds: Double

    static let throughputGoal = 0.95
    static let healthP99GoalMs = 100.0

    /// The per-phase medians, in phase order.
    var medians: [PhaseFigures] {
        var order: [String] = []
        for figures in runs where !order.contains(figures.phase) { order.append(figures.phase) }
        return order.map { phase in
            let group = runs.filter { $0.phase == phase }
            func median(_ key: (PhaseFigures) -> Double) -> Double {
                let values = group.map(key).filter { !$0.isNaN }.sorted()
                return values.isEmpty ? .nan : values[values.count / 2]
            }
            let perCall = group.compactMap(\.cpuSecondsPerAbusiveCall).sorted()
            return PhaseFigures(
                phase: phase, goodCallsPerSecond: median(\.goodCallsPerSecond),
                goodFailures: Int(median { Double($0.goodFailures) }),
                healthSuccessRate: median(\.healthSuccessRate),
                healthP50Ms: median(\.healthP50Ms), healthP99Ms: median(\.healthP99Ms),
                abusiveCalls: Int(median { Double($0.abusiveCalls) }),
                serverCPUSeconds: median(\.serverCPUSeconds),
                cpuSecondsPerAbusiveCall: perCall.isEmpty ? nil : perCall[perCall.count / 2],
                peakRSSMiB: median(\.peakRSSMiB), rssAfterMiB: median(\.rssAfterMiB),
                settleSeconds: median(\.settleSeconds), settled: group.allSatisfy(\.settled),
                drainedAfterSIGTERM: group.allSatisfy(\.drainedAfterSIGTERM))
        }
    }

    static func line(_ figures: PhaseFigures, baseline: PhaseFigures) -> String {
        let fraction = figures.goodCallsPerSecond / max(baseline.goodCallsPerSecond, .leastNonzeroMagnitude)
        let name = figures.phase.padding(toLength: 9, withPad: " ", startingAt: 0)
        var text =
            name
            + String(
                format:
                    " good %.1f calls/s (%.1f%% of baseline, %d failed); health ok %.1f%% p50 %.1f ms p99 %.1f ms;",
                figures.goodCallsPerSecond, fraction * 100, figures.goodFailures,
                figures.healthSuccessRate * 100, figures.healthP50Ms, figures.healthP99Ms)
        if figures.phase != "baseline" {
            text += " abusive calls \(figures.abusiveCalls)"
            if let perCall = figures.cpuSecondsPerAbusiveCall {
                text += String(format: ", server CPU %.6f s per abusive call", perCall)
            }
            text += ";"
        }
        text += String(
            format: " server CPU %.2f s, peak RSS %.1f MiB, RSS after %.1f MiB, busy %.1f s after",
            figures.serverCPUSeconds, figures.peakRSSMiB, figures.rssAfterMiB, figures.settleSeconds)
        return text + (figures.settled ? "" : " (never idle)")
            + (figures.drainedAfterSIGTERM ? "" : "; did not drain after SIGTERM (killed)")
    }

    func text() -> String {
        let medians = self.medians
        guard let baseline = medians.first else { return "no phases ran" }
        var lines = [
            "abuse-bench: medians of \(runs.count / max(1, medians.count)) run(s), \(seconds) s per phase"
        ]
        if !peakIsPerPhase {
            lines.append("(peak RSS is since the server started: /proc/PID/clear_refs refused)")
        }
        for figures in medians { lines.append(Self.line(figures, baseline: baseline)) }
        for figures in medians.dropFirst() {
            let fraction =
                figures.goodCallsPerSecond / max(baseline.goodCallsPerSecond, .leastNonzeroMagnitude)
            let throughput = fraction >= Self.throughputGoal ? "PASS" : "FAIL"
            let health = figures.healthP99Ms < Self.healthP99GoalMs ? "PASS" : "FAIL"
            lines.append(
                "GOAL \(figures.phase): well-behaved >= 95% of unloaded: \(throughput) "
                    + String(format: "(%.1f%%)", fraction * 100) + "; health p99 < 100 ms: \(health) "
                    + String(format: "(%.1f ms)", figures.healthP99Ms))
        }
        return lines.joined(separator: "\n")
    }

    func json() -> String {
        struct Output: Encodable {
            var seconds: Double
            var peakIsPerPhase: Bool
            var medians: [PhaseFigures]
            var runs: [PhaseFigures]
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        let output = Output(
            seconds: seconds, peakIsPerPhase: peakIsPerPhase,
            medians: medians,
            runs: runs)
        return (try? String(decoding: encoder.encode(output), as: UTF8.self)) ?? "{}"
    }
}
