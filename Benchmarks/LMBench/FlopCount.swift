import NeuralLM

/// Floating-point operation counts of the model, for achieved GFLOP/s against the sgemm peak.
enum FlopCount {
    /// Forward FLOPs for `rows` new positions whose attention spans `attended` key positions in total.
    static func forward(config: GPT2Config, rows: Int, attended: Int) -> Double {
        let c = Double(config.nEmbd)
        let perRowMatmul = 2 * (c * 3 * c + c * c + 2 * c * Double(config.innerSize)) * Double(config.nLayer)
        let head = 2 * c * Double(config.vocabSize)
        let attention = 4 * c * Double(attended) * Double(config.nLayer)
        return Double(rows) * (perRowMatmul + head) + attention
    }

    /// Σ over sequences of the causal attention span (1 + 2 + … + n).
    static func causalSpan(_ lengths: [Int]) -> Int {
        lengths.reduce(0) { $0 + $1 * ($1 + 1) / 2 }
    }
}
