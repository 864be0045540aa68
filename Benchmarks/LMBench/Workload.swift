import Foundation
import NeuralLM

/// The benchmark's inputs, shared with the PyTorch side through `workload.json`.
struct Workload: Codable {
    /// Rescoring batches: each is several 10-best lists flattened to sentences (no BOS/EOS).
    var scoringBatches: [[[Int]]]
    /// Training batches of `[BOS …]` sequences, 16 × 64 tokens each.
    var trainingBatches: [[[Int]]]
    /// MWER training steps: 8 N-best lists of 10 hypotheses (no BOS/EOS) each.
    var mwerBatches: [[MWERList]]
    var threads: Int
    var repeats: Int

    enum CodingKeys: String, CodingKey {
        case scoringBatches = "scoring_batches"
        case trainingBatches = "training_batches"
        case mwerBatches = "mwer_batches"
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
        var mwer: [[MWERList]] = []
        for _ in 0..<4 {
            mwer.append(
                (0..<8).map { _ in
                    let hypotheses = nBestList(size: 10, vocabulary: config.vocabSize, rng: &rng)
                    return MWERList(
                        hypotheses: hypotheses,
                        firstPass: hypotheses.map { _ in -Double.random(in: 0...5, using: &rng) },
                        errors: hypotheses.indices.map {
                            $0 == 0 ? 0 : Double(Int.random(in: 1...4, using: &rng))
                        },
                        words: hypotheses.map(\.count))
                })
        }
        return Workload(
            scoringBatches: scoring, trainingBatches: training, mwerBatches: mwer, threads: threads,
            repeats: repeats)
    }
}

/// One N-best list of the MWER case: hypotheses with first-pass scores, word errors and lengths.
struct MWERList: Codable {
    var hypotheses: [[Int]]
    var firstPass: [Double]
    var errors: [Double]
    var words: [Int]

    enum CodingKeys: String, CodingKey {
        case hypotheses
        case firstPass = "first_pass"
        case errors
        case words
    }
}
