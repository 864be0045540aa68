import SecondPassTestSupport
import SeededRandom
import Testing

@testable import Evaluation

/// jiwer 4.0.0 scores each pair and the whole batch; prints JSON {"pairs": [[H,S,D,I]...], "wer": x}.
private let jiwerScript = """
    import json, sys, jiwer
    pairs = json.load(sys.stdin)
    counts = []
    for ref, hyp in pairs:
        o = jiwer.process_words(ref, hyp)
        counts.append([o.hits, o.substitutions, o.deletions, o.insertions])
    refs = [p[0] for p in pairs]
    hyps = [p[1] for p in pairs]
    corpus = jiwer.process_words(refs, hyps)
    json.dump({"version": jiwer.__version__ if hasattr(jiwer, "__version__") else "",
               "pairs": counts, "wer": corpus.wer}, sys.stdout)
    """

private struct JiwerOutput: Decodable {
    var pairs: [[Int]]
    var wer: Double
}

private let realLookingPairs: [[String]] = [
    ["she had always wanted to do her duty", "she had always wanted to do her beauty"],
    ["it is a truth universally acknowledged", "it is the truth universally acknowledge"],
    ["the quick brown fox jumps over the lazy dog", "the quick brown fox jumped over lazy dog"],
    ["i saw the sea", "eye saw the see"],
    ["their house is over there", "there house is over their"],
    ["we will meet at eight", "we'll meet at ate"],
    ["no one knew", "know one new"],
    ["the weather was fine", "whether was fine the"],
    ["a b c", "c b a"],
    ["", "uh"],
    ["hello world", ""],
    ["to be or not to be", "to be or not to be that is the question"],
]

@Suite("Parity with jiwer 4.0.0", .requiresPythonPeer)
struct JiwerParityTests {
    @Test func randomCasesMatchJiwerCounts() async throws {
        var generator = SplitMix64(seed: 2024)
        var pairs = realLookingPairs
        let vocabularies = [
            ["a", "b", "c"], ["a", "b", "c", "d", "e", "f"], ["the", "a", "cat", "sat", "mat"],
        ]
        for index in 0..<3000 {
            let vocabulary = vocabularies[index % vocabularies.count]
            var reference = generator.sentence(maxWords: 20, vocabulary: vocabulary)
            var hypothesis = generator.sentence(maxWords: 20, vocabulary: vocabulary)
            if index % 10 == 0 { hypothesis = "" }
            if index % 7 == 0 {
                // Near-miss: edit a few words of the reference so long common stretches exist.
                var words = reference.split(separator: " ").map(String.init)
                for _ in 0..<Int.random(in: 1...3, using: &generator) where !words.isEmpty {
                    let at = Int.random(in: 0..<words.count, using: &generator)
                    switch Int.random(in: 0..<3, using: &generator) {
                    case 0: words[at] = vocabulary.randomElement(using: &generator)!
                    case 1: words.remove(at: at)
                    default: words.insert(vocabulary.randomElement(using: &generator)!, at: at)
                    }
                }
                hypothesis = words.joined(separator: " ")
            }
            if index % 50 == 1 { reference = "" }
            pairs.append([reference, hypothesis])
        }
        try await expectJiwerParity(pairs)
    }

    /// Long utterances (up to 400 words), where rapidfuzz could switch to a different algorithm.
    @Test func longUtterancesMatchJiwerCounts() async throws {
        var generator = SplitMix64(seed: 77)
        let vocabulary = ["a", "b", "c", "d"]
        let pairs = (0..<40).map { _ in
            [
                generator.sentence(maxWords: 400, vocabulary: vocabulary),
                generator.sentence(maxWords: 400, vocabulary: vocabulary),
            ]
        }
        try await expectJiwerParity(pairs)
    }

    private func expectJiwerParity(_ pairs: [[String]]) async throws {
        let peer = try await PythonPeer.run(code: jiwerScript, json: pairs, as: JiwerOutput.self)
        try #require(peer.pairs.count == pairs.count)
        var aligner = WordAligner()
        var total = ErrorCounts.zero
        var mismatches = 0
        for (pair, expected) in zip(pairs, peer.pairs) {
            let counts = aligner.counts(reference: pair[0], hypothesis: pair[1])
            total += counts
            let ours = [counts.correct, counts.substitutions, counts.deletions, counts.insertions]
            if ours != expected {
                mismatches += 1
                if mismatches <= 5 {
                    Issue.record("\(pair): ours H,S,D,I = \(ours), jiwer \(expected)")
                }
            }
        }
        #expect(mismatches == 0)
        let wer = try #require(total.wordErrorRate)
        #expect(abs(wer - peer.wer) < 1e-12)
    }
}
