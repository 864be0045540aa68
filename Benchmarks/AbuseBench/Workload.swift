import Foundation
import RescoringMessages

/// The requests of the benchmark, built from real sentences so token counts are realistic.
///
/// A list is a sentence plus nine deterministic perturbations (a word swapped for another from
/// the corpus, dropped, or repeated), with first-pass scores falling by rank, the shape of the
/// lists the first pass sends.
struct Workload: Sendable {
    let sentences: [[String]]
    let vocabulary: [String]
    let adapter: String

    /// Reads sentences of 6 to 20 words from `path` (one per line).
    init(textFile path: String, adapter: String) throws {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw BenchError("cannot read \(path); run Scripts/prepare-data or pass --text FILE")
        }
        let sentences = text.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
            .filter { (6...20).contains($0.count) }
        guard sentences.count >= 10 else {
            throw BenchError("\(path) holds fewer than 10 sentences of 6-20 words")
        }
        self.sentences = Array(sentences.prefix(2000))
        self.vocabulary = Array(Set(self.sentences.joined())).sorted()
        self.adapter = adapter
    }

    /// The `index`-th well-behaved request: `hypotheses` variants of one sentence.
    func request(_ index: Int, hypotheses: Int = 10) -> RescoreRequest {
        let words = sentences[index % sentences.count]
        var generator = SplitMix(seed: UInt64(index))
        var list: [HypothesisMessage] = []
        for rank in 0..<hypotheses {
            var variant = words
            if rank > 0 {
                let position = Int(generator.next() % UInt64(variant.count))
                switch generator.next() % 3 {
                case 0: variant[position] = vocabulary[Int(generator.next() % UInt64(vocabulary.count))]
                case 1: if variant.count > 1 { variant.remove(at: position) }
                default: variant.insert(variant[position], at: position)
                }
            }
            let score = -Double(words.count) * 2 - Double(rank) * 0.7
            list.append(
                HypothesisMessage(
                    text: variant.joined(separator: " "), totalScore: score, acousticScore: score * 0.8,
                    lmScore: score * 0.2))
        }
        return RescoreRequest(
            nbest: NBestListMessage(
                utteranceID: "bench-\(index)", sessionID: "abuse-bench", sequenceNumber: UInt64(index),
                kind: .final,
                stability: 1, hypotheses: list),
            config: RescoringConfig(adapter: adapter))
    }
}

/// A small deterministic generator (SplitMix64) so every run sends the same lists.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed &+ 0x9E37_79B9_7F4A_7C15 }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
