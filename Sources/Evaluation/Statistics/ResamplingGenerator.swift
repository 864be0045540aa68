/// The bootstrap's seeded generator: SplitMix64 plus unbiased bounded draws.
///
/// The bootstrap must replay exactly from its seed, which `SystemRandomNumberGenerator` cannot;
/// SplitMix64 passes BigCrush, is one add and three multiply-xorshifts per draw, and is the same
/// on every platform. (Named for its job, not its algorithm, so it does not clash with
/// `Phonetics.SplitMix64` in modules importing both.)
public struct ResamplingGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform integer in `0..<bound` (bound > 0) by Lemire's multiply-shift with rejection.
    @inline(__always)
    public mutating func next(below bound: Int) -> Int {
        let limit = UInt64(bound)
        var product = next().multipliedFullWidth(by: limit)
        if product.low < limit {
            let threshold = (0 &- limit) % limit
            while product.low < threshold { product = next().multipliedFullWidth(by: limit) }
        }
        return Int(product.high)
    }
}
