/// GPT-2's `gelu_new`: 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))), forward and backward.
///
/// Must match Hugging Face's `NewGELUActivation` to keep checkpoint parity; vectorised because it
/// touches every element of the 4×-wide MLP activations, and split into element ranges across the
/// engine's threads (`ParallelChunks`; ranges are whole SIMD vectors, so lanes never change).
enum GELUKernel {
    private static let sqrtTwoOverPi: Float = 0.797_884_56
    private static let cubic: Float = 0.044_715

    /// Element-wise activation.
    static func forward(_ input: Tensor) -> Tensor {
        var output = Tensor(zeros: input.shape)
        input.withUnsafePointer { source in
            output.withUnsafeMutablePointer { target in
                ParallelChunks.forEachElementRange(count: input.count) { range in
                    let raw = UnsafeRawPointer(source)
                    let out = UnsafeMutableRawPointer(target)
                    var index = range.lowerBound
                    while index + 8 <= range.upperBound {
                        let x = raw.loadUnaligned(fromByteOffset: index * 4, as: SIMD8<Float>.self)
                        let t = FastMath.tanh(sqrtTwoOverPi * (x + cubic * x * x * x))
                        out.storeBytes(of: 0.5 * x * (1 + t), toByteOffset: index * 4, as: SIMD8<Float>.self)
                        index += 8
                    }
                    while index < range.upperBound {
                        let x = source[index]
                        let t = FastMath.tanh(SIMD8(repeating: sqrtTwoOverPi * (x + cubic * x * x * x)))[0]
                        target[index] = 0.5 * x * (1 + t)
                        index += 1
                    }
                }
            }
        }
        return output
    }

    /// Gradient with respect to the activation's input.
    static func backward(input: Tensor, gradOutput: Tensor) -> Tensor {
        var gradInput = Tensor(zeros: input.shape)
        input.withUnsafePointer { source in
            gradOutput.withUnsafePointer { upstream in
                gradInput.withUnsafeMutablePointer { target in
                    ParallelChunks.forEachElementRange(count: input.count) { range in
                        let raw = UnsafeRawPointer(source)
                        let up = UnsafeRawPointer(upstream)
                        let out = UnsafeMutableRawPointer(target)
                        var index = range.lowerBound
                        while index + 8 <= range.upperBound {
                            let x = raw.loadUnaligned(fromByteOffset: index * 4, as: SIMD8<Float>.self)
                            let dy = up.loadUnaligned(fromByteOffset: index * 4, as: SIMD8<Float>.self)
                            out.storeBytes(
                                of: dy * derivative(x), toByteOffset: index * 4, as: SIMD8<Float>.self)
                            index += 8
                        }
                        while index < range.upperBound {
                            target[index] = upstream[index] * derivative(SIMD8(repeating: source[index]))[0]
                            index += 1
                        }
                    }
                }
            }
        }
        return gradInput
    }

    @inline(__always)
    private static func derivative(_ x: SIMD8<Float>) -> SIMD8<Float> {
        let x2 = x * x
        let t = FastMath.tanh(sqrtTwoOverPi * (x + cubic * x2 * x))
        let inner = sqrtTwoOverPi * (1 + 3 * cubic * x2)
        return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * inner
    }
}
