/// NIST's matched-pair sentence-segment word error test (MAPSSWE), segments = utterances.
///
/// sclite's MAPSSWE splits the text into segments bounded by words both systems got right; we
/// use whole utterances as segments (errors of different utterances are independent, which is
/// the assumption the test needs). For utterance i let Z_i = e_A(i) − e_B(i), the difference in
/// word errors. With n utterances, mean μ̂ = ΣZ_i / n and variance σ̂² = Σ(Z_i − μ̂)² / (n − 1),
/// the statistic W = μ̂ / (σ̂ / √n) is approximately standard normal under H0 "same expected
/// errors"; the two-sided p-value is P(|Z| ≥ |W|) = erfc(|W|/√2).
///
/// Degenerate cases: if every Z_i is 0 the systems are indistinguishable, W = 0 and p = 1; if
/// σ̂ = 0 but μ̂ ≠ 0 (every utterance differs by the same non-zero amount), W is unbounded
/// (`nil`, so results stay JSON-encodable; its sign is μ̂'s) and p = 0.
/// n = 1 leaves no variance estimate: whatever Z_1 is, one utterance cannot show that the systems
/// differ, so p = 1 and W is `nil` (σ̂ is reported as 0). A report over a one-utterance run (a smoke
/// run, a Kubernetes Job with `--utterances 1`) therefore still has every other figure, rather than
/// failing as a whole because its significance test is undefined.
public struct MatchedPairsTest: Sendable, Hashable, Codable {
    public var segments: Int
    /// μ̂: mean per-utterance error difference A − B.
    public var meanDifference: Double
    /// σ̂: sample standard deviation of the differences.
    public var standardDeviation: Double
    /// W, the approximately standard-normal statistic; `nil` when unbounded (σ̂ = 0, μ̂ ≠ 0).
    public var statistic: Double?
    public var pValue: Double

    /// Runs the test on per-utterance error counts of systems A and B (same utterances, same order).
    public init(errorsA: [Int], errorsB: [Int]) throws {
        guard errorsA.count == errorsB.count else {
            throw EvaluationError(
                .mismatchedLengths, "MAPSSWE needs paired errors, got \(errorsA.count) and \(errorsB.count)")
        }
        let n = errorsA.count
        guard n > 0 else { throw EvaluationError(.emptyInput, "MAPSSWE needs at least one utterance") }
        let differences = zip(errorsA, errorsB).map { Double($0 - $1) }
        let mean = differences.reduce(0, +) / Double(n)
        segments = n
        meanDifference = mean
        if differences.allSatisfy({ $0 == 0 }) {
            standardDeviation = 0
            statistic = 0
            pValue = 1
            return
        }
        guard n > 1 else {
            standardDeviation = 0
            statistic = nil
            pValue = 1
            return
        }
        let variance = differences.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n - 1)
        standardDeviation = variance.squareRoot()
        if standardDeviation == 0 {
            statistic = nil
            pValue = 0
        } else {
            let w = mean / (standardDeviation / Double(n).squareRoot())
            statistic = w
            pValue = StandardNormal.twoSidedPValue(w)
        }
    }
}
