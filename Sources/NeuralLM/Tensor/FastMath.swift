/// Vectorised transcendental functions for the hot loops (softmax, GELU).
///
/// `Foundation.exp` costs tens of nanoseconds per call; the LM head's log-softmax alone needs
/// millions of exponentials per batch. This is a Cephes-style `expf` over `SIMD8<Float>`
/// (range reduction by ln 2, degree-6 polynomial, exponent bits), accurate to about 2 ulp.
enum FastMath {
    private static let log2e: Float = 1.442_695_04
    private static let ln2High: Float = 0.693_359_375
    private static let ln2Low: Float = -2.121_944_4e-4

    /// 1.5 · 2²³: adding it rounds a float of magnitude < 2²² to an integer held in the low
    /// mantissa bits, which avoids the generic (slow) SIMD float → integer conversion.
    private static let roundingMagic: Float = 12_582_912

    /// e^x lane-wise; inputs are clamped to [−87.3, 88.3] (results ≈ 1e-38 … 2e38).
    @inline(__always)
    static func exp(_ input: SIMD8<Float>) -> SIMD8<Float> {
        var x = input
        x.replace(with: -87.3, where: x .< -87.3)
        x.replace(with: 88.3, where: x .> 88.3)
        let magic = SIMD8<Float>(repeating: roundingMagic)
        let shifted = x * log2e + magic
        let n = shifted - magic  // round-to-nearest(x / ln 2)
        x = x - n * ln2High - n * ln2Low
        let z = x * x
        var y: SIMD8<Float> = SIMD8(repeating: 1.987_569_15e-4)
        y = y * x + 1.398_199_950_7e-3
        y = y * x + 8.333_451_907_3e-3
        y = y * x + 4.166_579_589_4e-2
        y = y * x + 1.666_666_545_9e-1
        y = y * x + 5.000_000_120_1e-1
        y = y * z + x + 1
        let integer =
            unsafeBitCast(shifted, to: SIMD8<Int32>.self) &- unsafeBitCast(magic, to: SIMD8<Int32>.self)
        let scale = unsafeBitCast((integer &+ 127) &<< 23, to: SIMD8<Float>.self)
        return y * scale
    }

    /// e^x for one value through the vector path (same rounding as the vector loop tails).
    @inline(__always)
    static func exp(_ x: Float) -> Float {
        exp(SIMD8(repeating: x))[0]
    }

    /// tanh(x) = 1 − 2 / (e^{2x} + 1), lane-wise.
    @inline(__always)
    static func tanh(_ x: SIMD8<Float>) -> SIMD8<Float> {
        let e = exp(2 * x)
        return 1 - 2 / (e + 1)
    }

    /// Overwrites `values[0..<count]` with exp(values − shift) and returns their sum.
    @inline(__always)
    static func expShiftedInPlace(_ values: UnsafeMutablePointer<Float>, count: Int, shift: Float) -> Float {
        var index = 0
        var sum = SIMD8<Float>(repeating: 0)
        let raw = UnsafeMutableRawPointer(values)
        while index + 8 <= count {
            let v = raw.loadUnaligned(fromByteOffset: index * 4, as: SIMD8<Float>.self)
            let e = exp(v - shift)
            raw.storeBytes(of: e, toByteOffset: index * 4, as: SIMD8<Float>.self)
            sum += e
            index += 8
        }
        var total = sum.sum()
        while index < count {
            let e = exp(values[index] - shift)
            values[index] = e
            total += e
            index += 1
        }
        return total
    }

    /// Sum of exp(values − shift) without writing.
    @inline(__always)
    static func sumExpShifted(_ values: UnsafePointer<Float>, count: Int, shift: Float) -> Float {
        var index = 0
        var sum = SIMD8<Float>(repeating: 0)
        let raw = UnsafeRawPointer(values)
        while index + 8 <= count {
            let v = raw.loadUnaligned(fromByteOffset: index * 4, as: SIMD8<Float>.self)
            sum += exp(v - shift)
            index += 8
        }
        var total = sum.sum()
        while index < count {
            total += exp(values[index] - shift)
            index += 1
        }
        return total
    }

    /// Largest element (−∞ for an empty range).
    @inline(__always)
    static func max(_ values: UnsafePointer<Float>, count: Int) -> Float {
        var index = 0
        var best = SIMD8<Float>(repeating: -.infinity)
        let raw = UnsafeRawPointer(values)
        while index + 8 <= count {
            let v = raw.loadUnaligned(fromByteOffset: index * 4, as: SIMD8<Float>.self)
            best.replace(with: v, where: v .> best)
            index += 8
        }
        var result = best.max()
        while index < count {
            if values[index] > result { result = values[index] }
            index += 1
        }
        return result
    }
}
