import SecondPassTestSupport
import SeededRandom
import Testing

@testable import Evaluation

/// Re-implements our resampling (SplitMix64 + Lemire bounded draws) in Python and takes numpy's
/// default (linear) percentiles, so the interval arithmetic is checked by independent code.
private let numpyBootstrapScript = """
    import json, sys
    import numpy as np
    job = json.load(sys.stdin)
    M = (1 << 64) - 1
    state = job["seed"]
    def next64():
        global state
        state = (state + 0x9E3779B97F4A7C15) & M
        z = state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M
        return z ^ (z >> 31)
    def below(bound):
        product = next64() * bound
        if (product & M) < bound:
            threshold = ((1 << 64) - bound) % bound
            while (product & M) < threshold:
                product = next64() * bound
        return product >> 64
    a, b, n = job["errorsA"], job["errorsB"], job["words"]
    count = len(a)
    werA, werB, werr = [], [], []
    for _ in range(job["resamples"]):
        sa = sb = sn = 0.0
        for _ in range(count):
            i = below(count)
            sa += a[i]; sb += b[i]; sn += n[i]
        werA.append(sa / sn); werB.append(sb / sn)
        base, system = sa / sn, sb / sn
        if base != 0:
            werr.append((base - system) / base)
    tail = (1 - job["confidence"]) / 2 * 100
    out = [list(np.percentile(v, [tail, 100 - tail])) + [len(v)] for v in (werA, werB, werr)]
    json.dump(out, sys.stdout)
    """

private struct BootstrapJob: Encodable {
    var seed: UInt64
    var resamples: Int
    var confidence: Double
    var errorsA: [Double]
    var errorsB: [Double]
    var words: [Double]
}

@Suite("Paired bootstrap parity with numpy", .requiresPythonPeer)
struct BootstrapParityTests {
    @Test func intervalsMatchAnIndependentImplementation() async throws {
        var generator = SplitMix64(seed: 99)
        let words = (0..<120).map { _ in Double(Int.random(in: 1...25, using: &generator)) }
        let errorsA = words.map { Double(Int.random(in: 0...Int($0 / 3), using: &generator)) }
        let errorsB = words.map { Double(Int.random(in: 0...Int($0 / 4), using: &generator)) }
        let settings = BootstrapSettings(resamples: 400, confidence: 0.9, seed: 123_456_789)
        let ours = try PairedBootstrap(settings: settings).intervals(
            columns: [errorsA, errorsB, words],
            statistics: [
                { $0[0] / $0[2] }, { $0[1] / $0[2] },
                { relativeReduction(baseline: $0[0] / $0[2], system: $0[1] / $0[2]) },
            ])
        let job = BootstrapJob(
            seed: settings.seed, resamples: settings.resamples, confidence: settings.confidence,
            errorsA: errorsA,
            errorsB: errorsB, words: words)
        let peer = try await PythonPeer.run(code: numpyBootstrapScript, json: job, as: [[Double]].self)
        try #require(peer.count == 3)
        for (interval, expected) in zip(ours, peer) {
            let lower = try #require(interval.lower)
            let upper = try #require(interval.upper)
            #expect(abs(lower - expected[0]) <= 1e-12 * max(1, abs(expected[0])))
            #expect(abs(upper - expected[1]) <= 1e-12 * max(1, abs(expected[1])))
            #expect(Double(interval.definedResamples) == expected[2])
        }
    }
}
