/// SplitMix64: a tiny deterministic generator so property tests replay exactly from a seed.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A random sentence of `0...maxWords` words from a small vocabulary (so errors are frequent).
    mutating func sentence(maxWords: Int, vocabulary: [String]) -> String {
        let count = Int.random(in: 0...maxWords, using: &self)
        return (0..<count).map { _ in vocabulary.randomElement(using: &self)! }.joined(separator: " ")
    }
}
