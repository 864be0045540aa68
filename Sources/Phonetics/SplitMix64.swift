/// A small, fast, seedable pseudo-random generator (SplitMix64).
///
/// Perturbations and simulations must be reproducible from a seed on every platform, which
/// `SystemRandomNumberGenerator` is not.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    /// A generator for one item (utterance) of a seeded run: results do not depend on the
    /// order in which items are processed.
    public init(seed: UInt64, item: some StringProtocol) {
        state = seed ^ Self.fnv1a(item)
        _ = next()
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform double in [0, 1).
    public mutating func nextUnit() -> Double { Double(next() >> 11) * 0x1.0p-53 }

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
