/// Vectorised transcendental functions for the hot loops (softmax, GELU).
///
/// `Foundation.exp` costs tens of nanoseconds per call; the LM head's log-softmax alone needs
/// millions of exponentials per batch. This is a Cephes-style `expf` over `SIMD8<Float>`
/// (range reduction by ln 2, degree-6 polynomial, exponent bits), accurate to about 2 ulp.
enum FastMath {
    private static let log2e: Float = 1.442_695_04
    private static let ln2High: Float = 0.693_359_375
    private static let ln2Low: Float = -2.121_944_4e-4

    /// e^x lane-wise; inputs below -87.3 give 0-like values, above 88.7 are clamped.
    @inline(__always)
    static func exp(_ input: SIMD8<Float>) -> SIMD8<Float> {
        var x = input.clamped(
            lowerBound: SIMD8(repeating: -87.3), upperBound: SIMD8(repeating: 88.7))
        var fx = x * log2e + 0.5
        fx.round(.down)
        x = x - fx * ln2High - fx * ln2Low
        let z = x * x
        var y: SIMD8<Float> = SIMD8(repeating: 1.987_569_15e-4)
        y = y * x + 1.398_199_950_7e-3
        y = y * x + 8.333_451_907_3e-3
        y = y * x + 4.166_579_589_4e-2
        y = y * x + 1.666_666_545_9e-1
        y = y * x + 5.000_000_120_1e-1
        y = y * z + x + 1
        let exponent = SIMD8<Int32>(truncatingIfNeeded: SIMD8<Int32>(fx) &+ 127) &<< 23
        let scale = unsafeBitCast(exponent, to: SIMD8<Float>.self)
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

    /// Largest element.
    @inline(__always)
    static func max(_ values: UnsafePointer<Float>, count: Int) -> Float {
        var best = -Float.infinity
        for index in 0..<count where values[index] > best { best = values[index] }
        return best
    }
}
