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
    /// Whether the server drained and exited 0 within its grace period after SIGTERM.
    var drainedAfterSIGTERM: Bool
}

/// Runs the baseline and each abusive phase, `runs` times, each phase on a fresh server.
///
/// A fresh replica per phase keeps phases independent: work an abusive client leaves queued
/// (today the server computes even reset calls to the end) would otherwise slow the next phase.
struct Phases {
    let settings: ClientSettings
    let duration: Duration
    let settleLimit: Duration
    /// Starts a replica and returns it once it listens.
    let startServer: @Sendable () throws -> ServerProcess

    func measure(runs: Int, log: Bool) async throws -> Report {
        var all: [PhaseFigures] = []
        var peakPerPhase = true
        for run in 1...runs {
            let baseline = try await phase(nil, baselineCPUPerCall: nil, peakPerPhase: &peakPerPhase)
            all.append(baseline)
            if log { progress("run \(run) " + Report.line(baseline, baseline: baseline)) }
            let cpuPerGoodCall =
                baseline.serverCPUSeconds / max(1, baseline.goodCallsPerSecond * Clients.seconds(duration))
            for kind in Abuse.allCases {
                let figures = try await phase(
                    kind, baselineCPUPerCall: cpuPerGoodCall, peakPerPhase: &peakPerPhase)
                all.append(figures)
                if log { progress("run \(run) " + Report.line(figures, baseline: baseline)) }
            }
        }
        return Report(runs: all, peakIsPerPhase: peakPerPhase, seconds: Clients.seconds(duration))
    }

    private func phase(_ kind: Abuse?, baselineCPUPerCall: Double?, peakPerPhase: inout Bool) async throws
        -> PhaseFigures
    {
        let server = try startServer()
        var settings = self.settings
        settings.port = server.port
        let stats = ProcessStats(pid: server.pid)
        do {
            var figures = try await measure(kind, settings, stats, baselineCPUPerCall, &peakPerPhase)
            figures.drainedAfterSIGTERM = server.stop() == 0
            return figures
        } catch {
            _ = server.stop(grace: .zero)
            throw error
        }
    }

    private func measure(
        _ kind: Abuse?, _ settings: ClientSettings, _ stats: ProcessStats, _ baselineCPUPerCall: Double?,
        _ peakPerPhase: inout Bool
    ) async throws -> PhaseFigures {
        // Warm-up: first calls page in the model and fill allocator pools.
        let warmUpEnd = ContinuousClock.now + .seconds(1)
        _ = await finishes(by: warmUpEnd + .seconds(10)) {
            await Clients.wellBehaved(settings, until: warmUpEnd, into: Shared(WellBehavedFigures()))
        }
        _ = try await settle(stats)
        progress("phase \(kind?.rawValue ?? "baseline"): \(Clients.seconds(duration)) s")
        if !stats.resetPeak() { peakPerPhase = false }
        let cpuBefore = try stats.cpuSeconds()
        let end = ContinuousClock.now + duration
        let good = Shared(WellBehavedFigures())
        let abusive = Shared(0)
        // Both sides stop at `end`; a call stuck past end + 10 s is abandoned and reported.
        async let goodFinished = finishes(by: end + .seconds(10)) {
            await Clients.wellBehaved(settings, until: end, into: good)
        }
        async let abuseFinished = finishes(by: end + .seconds(10)) {
            await Clients.abuse(kind, settings, until: end, count: abusive)
        }
        let finished = await (goodFinished, abuseFinished)
        if !finished.0 || !finished.1 {
            progress(
                "phase \(kind?.rawValue ?? "baseline"): a client call was still stuck 10 s after the phase; abandoned"
            )
        }
        let figures = good.withLock { $0 }
        if let failure = figures.firstHealthFailure {
            progress("phase \(kind?.rawValue ?? "baseline"): first failed health check: \(failure)")
        }
        let abusiveCalls = abusive.withLock { $0 }
        let (settleTime, settled) = try await settle(stats)
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
            settleSeconds: settleTime, settled: settled, drainedAfterSIGTERM: false)
    }

    /// Waits until the server uses under 5% of a core over a 250 ms window, at most `settleLimit`.
    ///
    /// Sampling a rate needs a window of time: there is no event that says "idle".
    private func settle(_ stats: ProcessStats) async throws -> (seconds: Double, settled: Bool) {
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

/// A progress line on stderr, unbuffered, so a long or interrupted run shows where it is.
func progress(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}
