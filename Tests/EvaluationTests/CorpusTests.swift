import Foundation
import Testing

@testable import Evaluation

@Suite("Corpus metrics")
struct CorpusTests {
    private let pairs = [
        ScoringPair(utteranceID: "u1", reference: "The cat sat.", hypothesis: "the cat sat"),
        ScoringPair(utteranceID: "u2", reference: "on the mat", hypothesis: "on a mat mat"),
        ScoringPair(utteranceID: "u3", reference: "hello", hypothesis: ""),
    ]

    @Test func corpusWERIsTotalErrorsOverTotalReferenceWords() throws {
        var scorer = CorpusScorer()
        let result = scorer.score(pairs)
        // u1: 0 errors / 3, u2: 1 sub + 1 ins / 3, u3: 1 del / 1 → 3 / 7 (not the mean 0.44).
        #expect(
            result.summary.counts == ErrorCounts(substitutions: 1, deletions: 1, insertions: 1, correct: 5))
        #expect(try #require(result.summary.wordErrorRate) == 3.0 / 7.0)
        #expect(result.summary.sentenceErrorRate == 2.0 / 3.0)
        #expect(result.utterances[0].reference == "the cat sat")
        #expect(result.normalizer == .standard)
    }

    @Test func emptyReferenceCases() {
        var scorer = CorpusScorer()
        let silence = scorer.score([ScoringPair(utteranceID: "s", reference: "", hypothesis: "")])
        #expect(silence.summary.wordErrorRate == 0)
        #expect(silence.summary.sentenceErrorRate == 0)
        let insertions = scorer.score([ScoringPair(utteranceID: "s", reference: "", hypothesis: "uh")])
        #expect(insertions.summary.wordErrorRate == nil)
        #expect(insertions.summary.sentenceErrorRate == 1)
        #expect(scorer.score([]).summary.sentenceErrorRate == nil)
    }

    @Test func resultsRoundTripThroughJSON() throws {
        var scorer = CorpusScorer(normalizer: .identity)
        let result = scorer.score(pairs)
        let decoded = try JSONDecoder().decode(CorpusResult.self, from: JSONEncoder().encode(result))
        #expect(decoded == result)
    }

    @Test func relativeReductionAndChange() {
        #expect(relativeReduction(baseline: 0.10, system: 0.09)! == (0.10 - 0.09) / 0.10)
        #expect(relativeReduction(baseline: 0, system: 0.1) == nil)
        #expect(relativeReduction(baseline: nil, system: 0.1) == nil)
        #expect(relativeChange(before: 0.2, after: 0.3)! == (0.3 - 0.2) / 0.2)
        #expect(relativeChange(before: 0, after: 0.3) == nil)
    }

    @Test func oracleWERPicksBestAmongFirstK() throws {
        var scorer = CorpusScorer()
        let lists = [
            NBestTexts(utteranceID: "a", reference: "a b c", hypotheses: ["a x c", "x x x", "a b c"]),
            NBestTexts(utteranceID: "b", reference: "d e", hypotheses: ["d", "d e"]),
            NBestTexts(utteranceID: "c", reference: "f", hypotheses: []),
        ]
        let oracle = try scorer.oracleWER(lists, ks: [1, 2, 3, 100])
        #expect(oracle.map(\.summary.counts.errors) == [1 + 1 + 1, 1 + 0 + 1, 0 + 0 + 1, 0 + 0 + 1])
        #expect(oracle.map(\.k) == [1, 2, 3, 100])
        #expect(oracle[2].wordErrorRate == 1.0 / 6.0)
        // Oracle WER never increases with k.
        for (smaller, larger) in zip(oracle, oracle.dropFirst()) {
            #expect(larger.summary.counts.errors <= smaller.summary.counts.errors)
        }
        #expect(throws: EvaluationError.self) { try scorer.oracleWER(lists, ks: [0]) }
    }

    @Test func errorAnalysisRanksConfusionsAndMissedWords() {
        var scorer = CorpusScorer()
        let analysis = scorer.errorAnalysis([
            ScoringPair(utteranceID: "1", reference: "their car is there", hypothesis: "there car is their"),
            ScoringPair(utteranceID: "2", reference: "their dog", hypothesis: "there dog uh"),
            ScoringPair(utteranceID: "3", reference: "a big dog", hypothesis: "a dog"),
        ])
        #expect(analysis.topConfusions.first == .init(reference: "their", hypothesis: "there", count: 2))
        #expect(analysis.topConfusions.count == 2)
        #expect(analysis.mostMissed.first == .init(word: "their", count: 2, deletions: 0))
        #expect(analysis.mostMissed.contains(.init(word: "big", count: 1, deletions: 1)))
        #expect(analysis.mostInserted == [.init(word: "uh", count: 1, deletions: 0)])
    }
}
