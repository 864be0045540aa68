import Foundation
import SeededRandom

/// A deterministic xoshiro256** generator seeded through SplitMix64.
///
/// Our own generator (not `SystemRandomNumberGenerator`) so initialisation, dropout masks and
/// data shuffling repeat exactly across runs and platforms, and its state can be checkpointed.
/// It is not the project's `SplitMix64`: released models and their checkpoints were made with
/// xoshiro256** streams (256 bits of state, Codable), so the training engine keeps this algorithm;
/// only the seed expansion (four SplitMix64 draws from `seed`) is shared.
public struct SeededGenerator: RandomNumberGenerator, Sendable, Codable, Equatable {
    // Four stored words rather than an array: `next()` runs once per dropout element.
    private var s0: UInt64
    private var s1: UInt64
    private var s2: UInt64
    private var s3: UInt64

    /// The four 64-bit words of xoshiro256** state (for checkpoints).
    public var state: [UInt64] { [s0, s1, s2, s3] }

    /// Expands a 64-bit seed into full state with SplitMix64.
    public init(seed: UInt64) {
        var expansion = SplitMix64(seed: seed)
        s0 = expansion.next()
        s1 = expansion.next()
        s2 = expansion.next()
        s3 = expansion.next()
    }

    /// Restores a checkpointed state.
    public init(state: [UInt64]) throws {
        guard state.count == 4, state.contains(where: { $0 != 0 }) else {
            throw NeuralLMError(.invalidInput, "generator state must be four words, not all zero")
        }
        (s0, s1, s2, s3) = (state[0], state[1], state[2], state[3])
    }

    @inline(__always)
    public mutating func next() -> UInt64 {
        let result = rotate(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = rotate(s3, 45)
        return result
    }

    @inline(__always)
    private func rotate(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    /// Uniform Float in [0, 1) from the top 24 bits.
    public mutating func nextUniform() -> Float {
        Float(next() >> 40) * (1.0 / 16_777_216.0)
    }

    /// Standard normal sample (Box–Muller, one value per call).
    public mutating func nextNormal() -> Float {
        let u1 = max(Double(next() >> 11) * (1.0 / 9_007_199_254_740_992.0), 1e-300)
        let u2 = Double(next() >> 11) * (1.0 / 9_007_199_254_740_992.0)
        return Float((-2 * logDouble(u1)).squareRoot() * cosDouble(2 * Double.pi * u2))
    }
}

private func logDouble(_ x: Double) -> Double { Foundation.log(x) }
private func cosDouble(_ x: Double) -> Double { Foundation.cos(x) }
