/// Row-wise layer normalisation forward and backward over a `[rows, width]` buffer.
///
/// The forward keeps each row's mean and reciprocal standard deviation so the backward pass needs
/// no second reduction over the input. Rows are independent and run in parallel row ranges; the
/// weight gradients, sums over rows, run in parallel column ranges that each sum their columns in
/// row order (`ParallelChunks`), so every thread count gives the same floats.
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
        input.withUnsafePointer { x in
            output.withUnsafeMutablePointer { y in
                gamma.withUnsafePointer { g in
                    beta.withUnsafePointer { b in
                        means.withUnsafeMutablePointer { meanOut in
                            rstds.withUnsafeMutablePointer { rstdOut in
                                ParallelChunks.forEachRowRange(rows: rows, width: width) { range in
                                    for row in range {
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
                                        meanOut[row] = mean
                                        rstdOut[row] = rstd
                                    }
                                }
                            }
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
        input.withUnsafePointer { x in
            gradOutput.withUnsafePointer { dy in
                gamma.withUnsafePointer { g in
                    mean.withUnsafePointer { means in
                        rstd.withUnsafePointer { rstds in
                            gradInput.withUnsafeMutablePointer { dx in
                                ParallelChunks.forEachRowRange(rows: rows, width: width) { range in
                                    for row in range {
                                        inputGradientRow(
                                            x + row * width, dy + row * width, g, mean: means[row],
                                            rstd: rstds[row], width: width, into: dx + row * width)
                                    }
                                }
                            }
                            gradGamma.withUnsafeMutablePointer { dg in
                                gradBeta.withUnsafeMutablePointer { db in
                                    ParallelChunks.forEachColumnRange(rows: rows, width: width) { columns in
                                        for row in 0..<rows {
                                            let base = row * width
                                            let mu = means[row]
                                            let r = rstds[row]
                                            for c in columns {
                                                dg[c] += dy[base + c] * ((x[base + c] - mu) * r)
                                                db[c] += dy[base + c]
                                            }
                                        }
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

    /// dx of one row: rstd · (dy·g − mean(dy·g) − x̂ · mean(dy·g·x̂)).
    @inline(__always)
    private static func inputGradientRow(
        _ x: UnsafePointer<Float>, _ dy: UnsafePointer<Float>, _ g: UnsafePointer<Float>, mean mu: Float,
        rstd r: Float, width: Int, into dx: UnsafeMutablePointer<Float>
    ) {
        var meanDyG: Float = 0
        var meanDyGXhat: Float = 0
        for c in 0..<width {
            let xhat = (x[c] - mu) * r
            let dyg = dy[c] * g[c]
            meanDyG += dyg
            meanDyGXhat += dyg * xhat
        }
        meanDyG /= Float(width)
        meanDyGXhat /= Float(width)
        for c in 0..<width {
            let xhat = (x[c] - mu) * r
            let dyg = dy[c] * g[c]
            dx[c] = r * (dyg - meanDyG - xhat * meanDyGXhat)
        }
    }
}
