import Foundation

/// The standard normal distribution's CDF and two-sided tail, via the complementary error function.
///
/// Φ(x) = ½·erfc(−x/√2). Using `erfc` directly keeps precision in the far tail, where 1 − Φ(x)
/// computed by subtraction would round to 0.
public enum StandardNormal {
    /// Φ(x) = P(Z ≤ x).
    public static func cdf(_ x: Double) -> Double { 0.5 * erfc(-x / 2.0.squareRoot()) }

    /// P(|Z| ≥ |z|) = erfc(|z|/√2).
    public static func twoSidedPValue(_ z: Double) -> Double { erfc(abs(z) / 2.0.squareRoot()) }
}
