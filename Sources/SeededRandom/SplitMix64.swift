/// The project's one seeded pseudo-random generator: SplitMix64 (Steele, Lea and Flood, 2014).
///
/// Simulations, perturbations, bootstrap resampling and test fixtures must replay exactly from a
/// seed on every platform, which `SystemRandomNumberGenerator` cannot. SplitMix64 passes BigCrush,
/// costs one add and three multiply-xorshifts per draw, and is trivial to re-implement in Python
/// for parity tests.
///
/// **The stream of a seed must never change.** Released models, recorded figures in `Docs/`,
/// checked-in fixtures and tests all depend on the exact values drawn: do not change the
/// constants, the seeding (`state = seed`, or `seed ^ fnv1a(item)` then one discarded draw) or
/// the bounded-draw method, and do not add a custom `next(upperBound:)` (it would change what
/// `Int.random(in:using:)` and `randomElement(using:)` draw).
public struct SplitMix64: RandomNumberGenerator, Sendable {
    /// The Weyl sequence position; `@usableFromInline` so `next()` inlines into hot loops.
    @usableFromInline var state: UInt64

    /// A generator whose first draw mixes `seed + γ` (the reference SplitMix64 seeding).
    public init(seed: UInt64) { state = seed }

    /// A generator for one item (utterance) of a seeded run, so results do not depend on the
    /// order in which items are processed.
    ///
    /// Seeds with `seed ^ fnv1a(item)` and discards one draw.
    public init(seed: UInt64, item: some StringProtocol) {
        state = seed ^ Self.fnv1a(item)
        _ = next()
    }

    /// Adds the golden-ratio increment γ to the state and returns it mixed (one draw).
    @inlinable
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform double in [0, 1) from the top 53 bits.
    public mutating func nextUnit() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// A uniform integer in `0..<bound` (bound > 0) by Lemire's multiply-shift with rejection.
    ///
    /// The bootstrap's draw (re-implemented by the Python parity test); not the standard
    /// library's `next(upperBound:)`, which draws differently.
    @inlinable
    public mutating func next(below bound: Int) -> Int {
        let limit = UInt64(bound)
        var product = next().multipliedFullWidth(by: limit)
        if product.low < limit {
            let threshold = (0 &- limit) % limit
            while product.low < threshold { product = next().multipliedFullWidth(by: limit) }
        }
        return Int(product.high)
    }

    /// 64-bit FNV-1a hash of the UTF-8 bytes (stable across runs, unlike `Hasher`).
    public static func fnv1a(_ text: some StringProtocol) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x100_0000_01b3
        }
        return hash
    }
}
