import SeededRandom
import Testing

@testable import Evaluation

/// Levenshtein distance by the textbook two-row DP, independent of `WordAligner`.
private func plainLevenshtein(_ a: [Substring], _ b: [Substring]) -> Int {
    var previous = Array(0...b.count)
    for i in 1...max(a.count, 1) where !a.isEmpty {
        var current = [i] + Array(repeating: 0, count: b.count)
        for j in stride(from: 1, through: b.count, by: 1) {
            current[j] = Swift.min(
                previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1), previous[j] + 1, current[j - 1] + 1)
        }
        previous = current
    }
    return previous[b.count]
}

@Suite("Alignment properties (seeded)")
struct AlignmentPropertyTests {
    @Test(arguments: [UInt64(1), 2, 3])
    func countsAreConsistentAndMinimal(seed: UInt64) {
        var generator = SplitMix64(seed: seed)
        var aligner = WordAligner()
        let vocabulary = ["a", "b", "c", "d", "e"]
        for _ in 0..<1000 {
            let reference = generator.sentence(maxWords: 15, vocabulary: vocabulary)
            let hypothesis = generator.sentence(maxWords: 15, vocabulary: vocabulary)
            let r = reference.split(separator: " ")
            let h = hypothesis.split(separator: " ")
            let alignment = aligner.align(reference: reference, hypothesis: hypothesis)
            let c = alignment.counts
            #expect(c.substitutions + c.deletions + c.correct == r.count)
            #expect(c.substitutions + c.insertions + c.correct == h.count)
            #expect(c.errors == plainLevenshtein(r, h))
            // The steps replay both sequences and agree with the counts.
            #expect(alignment.words.compactMap(\.reference) == r.map(String.init))
            #expect(alignment.words.compactMap(\.hypothesis) == h.map(String.init))
            #expect(alignment.words.filter { $0.operation == .substitution }.count == c.substitutions)
            for word in alignment.words where word.operation == .correct {
                #expect(word.reference == word.hypothesis)
            }
            for word in alignment.words where word.operation == .substitution {
                #expect(word.reference != word.hypothesis)
            }
            // WER(x, x) = 0.
            #expect(aligner.counts(reference: reference, hypothesis: reference).errors == 0)
        }
    }
}
