/// Row-wise layer normalisation forward and backward over a `[rows, width]` buffer.
///
/// The forward keeps each row's mean and reciprocal standard deviation so the backward pass needs
/// no second reduction over the input.
enum LayerNormKernel {
    /// y = (x − mean) · rstd · gamma + beta; writes `mean` and `rstd` per row.
    static func forward(
        input: Tensor, gamma: Tensor, beta: Tensor, epsilon: Float
    ) -> (output: Tensor, mean: [Float], rstd: [Float]) {
        let rows = input.rows
        let width = input.columns
        var output = Tensor(zeros: input.shape)
        var means = [Float](repeating: 0, count: rows)
        var rstds = [Float](repeating: 0, count: rows)
        input.storage.withUnsafeBufferPointer { x in
            output.storage.withUnsafeMutableBufferPointer { y in
                gamma.storage.withUnsafeBufferPointer { g in
                    beta.storage.withUnsafeBufferPointer { b in
                        for row in 0..<rows {
                            let base = row * width
                            var sum: Float = 0
                            for c in 0..<width { sum += x[base + c] }
                            let mean = sum / Float(width)
                            var variance: Float = 0
                            for c in 0..<width {
                                let d = x[base + c] - mean
                                variance += d * d
                            }
                            variance /= Float(width)
                            let rstd = 1 / (variance + epsilon).squareRoot()
                            for c in 0..<width {
                                y[base + c] = (x[base + c] - mean) * rstd * g[c] + b[c]
                            }
                            means[row] = mean
                            rstds[row] = rstd
                        }
                    }
                }
            }
        }
        return (output, means, rstds)
    }

    /// Gradients with respect to input, gamma and beta.
    static func backward(
        input: Tensor, gamma: Tensor, mean: [Float], rstd: [Float], gradOutput: Tensor
    ) -> (gradInput: Tensor, gradGamma: Tensor, gradBeta: Tensor) {
        let rows = input.rows
        let width = input.columns
        var gradInput = Tensor(zeros: input.shape)
        var gradGamma = Tensor(zeros: [width])
        var gradBeta = Tensor(zeros: [width])
        input.storage.withUnsafeBufferPointer { x in
            gradOutput.storage.withUnsafeBufferPointer { dy in
                gamma.storage.withUnsafeBufferPointer { g in
                    gradInput.storage.withUnsafeMutableBufferPointer { dx in
                        gradGamma.storage.withUnsafeMutableBufferPointer { dg in
                            gradBeta.storage.withUnsafeMutableBufferPointer { db in
                                for row in 0..<rows {
                                    let base = row * width
                                    let mu = mean[row]
                                    let r = rstd[row]
                                    var meanDyG: Float = 0
                                    var meanDyGXhat: Float = 0
                                    for c in 0..<width {
                                        let xhat = (x[base + c] - mu) * r
                                        let dyg = dy[base + c] * g[c]
                                        meanDyG += dyg
                                        meanDyGXhat += dyg * xhat
                                        dg[c] += dy[base + c] * xhat
                                        db[c] += dy[base + c]
                                    }
                                    meanDyG /= Float(width)
                                    meanDyGXhat /= Float(width)
                                    for c in 0..<width {
                                        let xhat = (x[base + c] - mu) * r
                                        let dyg = dy[base + c] * g[c]
                                        dx[base + c] = r * (dyg - meanDyG - xhat * meanDyGXhat)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return (gradInput, gradGamma, gradBeta)
    }
}
