import Foundation
import NeuralLM

/// The benchmark's inputs, shared with the PyTorch side through `workload.json`.
struct Workload: Codable {
    /// Rescoring batches: each is several 10-best lists flattened to sentences (no BOS/EOS).
    var scoringBatches: [[[Int]]]
    /// Training batches of `[BOS …]` sequences, 16 × 64 tokens each.
    var trainingBatches: [[[Int]]]
    var threads: Int
    var repeats: Int

    enum CodingKeys: String, CodingKey {
        case scoringBatches = "scoring_batches"
        case trainingBatches = "training_batches"
        case threads
        case repeats
    }

    /// N-best-like lists: a random 12–25 token sentence and variants that substitute, delete or
    /// insert a token at a random position of an earlier hypothesis, so hypotheses share prefixes
    /// up to the edit as first-pass N-best lists do.
    static func nBestList(size: Int, vocabulary: Int, rng: inout SeededGenerator) -> [[Int]] {
        let lengths = 12...25
        let base = (0..<Int.random(in: lengths, using: &rng)).map { _ in
            Int.random(in: 3..<vocabulary, using: &rng)
        }
        var list = [base]
        var seen: Set<[Int]> = [base]
        while list.count < size {
            var variant = list.randomElement(using: &rng)!
            let position = Int.random(in: 0..<variant.count, using: &rng)
            switch Int.random(in: 0..<3, using: &rng) {
            case 0: variant[position] = Int.random(in: 3..<vocabulary, using: &rng)
            case 1: variant.remove(at: position)
            default: variant.insert(Int.random(in: 3..<vocabulary, using: &rng), at: position)
            }
            if lengths.contains(variant.count), seen.insert(variant).inserted { list.append(variant) }
        }
        return list
    }

    static func make(config: GPT2Config, threads: Int, repeats: Int, seed: UInt64) -> Workload {
        var rng = SeededGenerator(seed: seed)
        var scoring: [[[Int]]] = []
        for _ in 0..<8 {
            var batch: [[Int]] = []
            for _ in 0..<8 { batch += nBestList(size: 10, vocabulary: config.vocabSize, rng: &rng) }
            scoring.append(batch)
        }
        var training: [[[Int]]] = []
        for _ in 0..<4 {
            training.append(
                (0..<16).map { _ in
                    [config.bosTokenId]
                        + (0..<63).map { _ in Int.random(in: 3..<config.vocabSize, using: &rng) }
                })
        }
        return Workload(
            scoringBatches: scoring, trainingBatches: training, threads: threads, repeats: repeats)
    }
}
