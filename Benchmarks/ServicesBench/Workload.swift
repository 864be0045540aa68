import Foundation
import RescoringMessages
import SeededRandom

/// The lists every figure is measured on, the same in every run (fixed seed).
///
/// An utterance is a sentence of the Austen test split; its final list is the sentence plus
/// `hypotheses - 1` seeded first-pass-style errors (a word substituted by another from the split,
/// dropped, or repeated) with scores falling by rank. Its partial lists are the final list's
/// hypotheses cut to the first third and two thirds of their words, as a streaming first pass
/// sends them, so a final can continue from its partials' LM states.
struct Workload: Sendable {
    struct Utterance: Sendable {
        let id: String
        /// Word lists of the final hypotheses, best first-pass score first.
        let hypotheses: [[String]]
    }

    let utterances: [Utterance]
    let adapter: String

    /// Reads up to `count` sentences of 6 to 30 words from `path` (one per line).
    init(textFile path: String, count: Int, hypotheses: Int, adapter: String, seed: UInt64) throws {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw BenchError("cannot read \(path); run Scripts/prepare-data or pass --text FILE")
        }
        let sentences = text.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
            .filter { (6...30).contains($0.count) }
        guard sentences.count >= count else {
            throw BenchError(
                "\(path) holds \(sentences.count) sentences of 6-30 words, fewer than --lists \(count)")
        }
        let vocabulary = Array(Set(sentences.joined())).sorted()
        var generator = SplitMix64(seed: seed)
        utterances = sentences.prefix(count).enumerated().map { index, words in
            var list = [words]
            for _ in 1..<max(1, hypotheses) {
                var variant = words
                let position = generator.next(below: variant.count)
                switch generator.next(below: 3) {
                case 0: variant[position] = vocabulary[generator.next(below: vocabulary.count)]
                case 1: if variant.count > 1 { variant.remove(at: position) }
                default: variant.insert(variant[position], at: position)
                }
                list.append(variant)
            }
            return Utterance(id: "austen-test-\(index)", hypotheses: list)
        }
        self.adapter = adapter
    }

    private init(utterances: [Utterance], adapter: String) {
        self.utterances = utterances
        self.adapter = adapter
    }

    /// The first `count` utterances (warm-up passes).
    func prefix(_ count: Int) -> Workload {
        Workload(utterances: Array(utterances.prefix(count)), adapter: adapter)
    }

    var hypothesisCount: Int { utterances.reduce(0) { $0 + $1.hypotheses.count } }

    /// The final list of `utterance` as a request.
    func finalRequest(_ utterance: Utterance, session: String, sequence: UInt64) -> RescoreRequest {
        request(utterance, words: utterance.hypotheses, kind: .final, session: session, sequence: sequence)
    }

    /// The partial lists of `utterance` (first third, first two thirds of every hypothesis).
    func partialRequests(_ utterance: Utterance, session: String, firstSequence: UInt64) -> [RescoreRequest] {
        [1, 2].enumerated().map { offset, thirds in
            let cut = utterance.hypotheses.map { words in
                Array(words.prefix(max(1, words.count * thirds / 3)))
            }
            var unique: [[String]] = []
            for words in cut where !unique.contains(words) { unique.append(words) }
            return request(
                utterance, words: unique, kind: .partial, session: session,
                sequence: firstSequence + UInt64(offset), stability: Float(thirds) / 3)
        }
    }

    private func request(
        _ utterance: Utterance, words: [[String]], kind: ResultKind, session: String, sequence: UInt64,
        stability: Float = 1
    ) -> RescoreRequest {
        let hypotheses = words.enumerated().map { rank, words in
            let score = -Double(words.count) * 2 - Double(rank) * 0.7
            return HypothesisMessage(
                text: words.joined(separator: " "), totalScore: score, acousticScore: score * 0.8,
                lmScore: score * 0.2)
        }
        return RescoreRequest(
            nbest: NBestListMessage(
                utteranceID: utterance.id, sessionID: session, sequenceNumber: sequence, kind: kind,
                stability: stability, hypotheses: hypotheses),
            config: RescoringConfig(adapter: adapter))
    }
}
