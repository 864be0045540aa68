import SeededRandom
import Testing

@testable import Evaluation

@Suite("Word alignment")
struct WordAlignerTests {
    @Test func identicalTextsAreAllCorrect() {
        let alignment = WordAlignment(reference: "the cat sat", hypothesis: "the cat sat")
        #expect(alignment.counts == ErrorCounts(correct: 3))
        #expect(alignment.counts.wordErrorRate == 0)
        #expect(alignment.words.allSatisfy { $0.operation == .correct })
    }

    @Test func reportsEachOperationWithItsWords() {
        let alignment = WordAlignment(reference: "a b c d", hypothesis: "a x c d e")
        #expect(
            alignment.words == [
                AlignedWord(.correct, reference: "a", hypothesis: "a"),
                AlignedWord(.substitution, reference: "b", hypothesis: "x"),
                AlignedWord(.correct, reference: "c", hypothesis: "c"),
                AlignedWord(.correct, reference: "d", hypothesis: "d"),
                AlignedWord(.insertion, reference: nil, hypothesis: "e"),
            ])
        #expect(alignment.counts == ErrorCounts(substitutions: 1, insertions: 1, correct: 3))
    }

    @Test func deletionCarriesTheReferenceWord() {
        let alignment = WordAlignment(reference: "one two three", hypothesis: "one three")
        #expect(alignment.words[1] == AlignedWord(.deletion, reference: "two", hypothesis: nil))
        #expect(alignment.counts == ErrorCounts(deletions: 1, correct: 2))
    }

    @Test func prefersSubstitutionOverInsertionPlusDeletion() {
        let alignment = WordAlignment(reference: "a b", hypothesis: "c d")
        #expect(alignment.counts == ErrorCounts(substitutions: 2))
    }

    @Test func emptySides() {
        #expect(WordAlignment(reference: "", hypothesis: "").counts == .zero)
        #expect(WordAlignment(reference: "a b", hypothesis: "").counts == ErrorCounts(deletions: 2))
        let insertionsOnly = WordAlignment(reference: "", hypothesis: "x y z").counts
        #expect(insertionsOnly == ErrorCounts(insertions: 3))
        #expect(insertionsOnly.wordErrorRate == nil)
    }

    @Test func extraSpacesDoNotMakeWords() {
        let alignment = WordAlignment(reference: "  a   b ", hypothesis: "a b")
        #expect(alignment.counts == ErrorCounts(correct: 2))
    }

    @Test func alignerReuseGivesSameResultsAsFreshAligner() {
        var generator = SplitMix64(seed: 7)
        var shared = WordAligner()
        let vocabulary = ["a", "b", "c", "d"]
        for _ in 0..<300 {
            let r = generator.sentence(maxWords: 12, vocabulary: vocabulary)
            let h = generator.sentence(maxWords: 12, vocabulary: vocabulary)
            #expect(shared.align(reference: r, hypothesis: h) == WordAlignment(reference: r, hypothesis: h))
        }
    }
}

@Suite("Word interning")
struct WordInternerTests {
    @Test func equalWordsShareIdsAndRoundTrip() {
        var interner = WordInterner()
        let ids = interner.ids(ofText: "  the cat  the café  ")
        #expect(ids == [0, 1, 0, 2])
        #expect(interner.words == ["the", "cat", "café"])
        #expect(interner.id(of: "cat") == 1)
    }

    @Test func manyWordsSurviveTableGrowth() {
        var interner = WordInterner()
        let words = (0..<5000).map { "w\($0)" }
        let ids = interner.ids(ofWords: words)
        #expect(ids == (0..<5000).map { Int32($0) })
        #expect(interner.ids(ofText: words.reversed().joined(separator: " ")) == ids.reversed())
        #expect(interner.word(4321) == "w4321")
    }
}
