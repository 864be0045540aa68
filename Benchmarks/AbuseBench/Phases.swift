import Foundation

/// Figures of one phase of one run.
struct PhaseFigures: Sendable, Codable {
    var phase: String
    var goodCallsPerSecond: Double
    var goodFailures: Int
    var healthSuccessRate: Double
    var healthP50Ms: Double
    var healthP99Ms: Double
    var abusiveCalls: Int
    /// Server CPU from the phase's start until it was idle again (work the abuse left behind counts).
    var serverCPUSeconds: Double
    /// Server CPU beyond what the well-behaved calls cost at baseline, per abusive call.
    var cpuSecondsPerAbusiveCall: Double?
    var peakRSSMiB: Double
    var rssAfterMiB: Double
    /// How long the server stayed busy after the phase; `settled` false when it never went idle.
    var settleSeconds: Double
    var settled: Bool
}

/// Runs the baseline and the abusive phases against the one server, `runs` times.
struct Phases {
    let settings: ClientSettings
    let stats: ProcessStats
    let duration: Duration
    let settleLimit: Duration

    func measure(runs: Int, log: Bool) async throws -> Report {
        // Warm-up: first calls page in the model and fill allocator pools.
        _ = await Clients.wellBehaved(settings, until: .now + .seconds(1))
        var all: [PhaseFigures] = []
        var peakPerPhase = true
        for run in 1...runs {
            let baseline = try await phase(nil, baselineCPUPerCall: nil, peakPerPhase: &peakPerPhase)
            all.append(baseline)
            if log { print("run \(run) " + Report.line(baseline, baseline: baseline)) }
            let cpuPerGoodCall =
                baseline.serverCPUSeconds / max(1, baseline.goodCallsPerSecond * Clients.seconds(duration))
            for kind in Abuse.allCases {
                let figures = try await phase(
                    kind, baselineCPUPerCall: cpuPerGoodCall, peakPerPhase: &peakPerPhase)
                all.append(figures)
                if log { print("run \(run) " + Report.line(figures, baseline: baseline)) }
            }
        }
        return Report(runs: all, peakIsPerPhase: peakPerPhase, seconds: Clients.seconds(duration))
    }

    private func phase(_ kind: Abuse?, baselineCPUPerCall: Double?, peakPerPhase: inout Bool) async throws
        -> PhaseFigures
    {
        _ = try await settle()
        if !stats.resetPeak() { peakPerPhase = false }
        let cpuBefore = try stats.cpuSeconds()
        let end = ContinuousClock.now + duration
        let settings = self.settings
        async let good = Clients.wellBehaved(settings, until: end)
        async let abusive = Clients.abuse(kind, settings, until: end)
        let (figures, abusiveCalls) = await (good, abusive)
        let (settleTime, settled) = try await settle()
        let cpu = try stats.cpuSeconds() - cpuBefore
        let seconds = Clients.seconds(duration)
        var perAbusiveCall: Double?
        if let baselineCPUPerCall, abusiveCalls > 0 {
            perAbusiveCall = max(0, cpu - Double(figures.calls) * baselineCPUPerCall) / Double(abusiveCalls)
        }
        return PhaseFigures(
            phase: kind?.rawValue ?? "baseline", goodCallsPerSecond: Double(figures.calls) / seconds,
            goodFailures: figures.failures, healthSuccessRate: figures.healthSuccessRate,
            healthP50Ms: figures.healthPercentile(0.5), healthP99Ms: figures.healthPercentile(0.99),
            abusiveCalls: abusiveCalls, serverCPUSeconds: cpu, cpuSecondsPerAbusiveCall: perAbusiveCall,
            peakRSSMiB: try stats.memoryMiB("VmHWM"), rssAfterMiB: try stats.memoryMiB("VmRSS"),
            settleSeconds: settleTime, settled: settled)
    }

    /// Waits until the server uses under 5% of a core over a 250 ms window, at most `settleLimit`.
    ///
    /// Sampling a rate needs a window of time: there is no event that says "idle".
    private func settle() async throws -> (seconds: Double, settled: Bool) {
        let started = ContinuousClock.now
        var previous = try stats.cpuSeconds()
        while ContinuousClock.now - started < settleLimit {
            try await Task.sleep(for: .milliseconds(250))
            let current = try stats.cpuSeconds()
            if current - previous < 0.0125 { return (Clients.seconds(ContinuousClock.now - started), true) }
            previous = current
        }
        return (Clients.seconds(ContinuousClock.now - started), false)
    }
}
