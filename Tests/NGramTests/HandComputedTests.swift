import Foundation
import Testing

@testable import NGram

/// Kneser-Ney probabilities worked out by hand on two sentences, "a b" and "a", with every
/// discount fixed at 0.5 (the derivation is in the comments, so a reader can check each figure).
@Suite("Kneser-Ney: a hand-computed case")
struct HandComputedTests {
    static let half = KneserNey.Discounts(one: 0.5, two: 0.5, threeOrMore: 0.5)

    static func model(order: Int) throws -> BackoffNGramModel {
        try KneserNey.train(
            sentences: ["a b", "a"],
            configuration: .init(order: order, discounts: Array(repeating: half, count: order))
        ).model
    }

    static func probability(_ model: BackoffNGramModel, _ word: String, after context: [String]) -> Double {
        let ids = context.map { model.vocabulary.idOrUnknown($0) }
        return pow(10, model.log10Probability(of: model.vocabulary.idOrUnknown(word), after: ids))
    }

    // Events: <s> a b </s>, <s> a </s>. Continuation counts of the unigrams: a 1 ({<s>}), b 1 ({a}),
    // </s> 2 ({b, a}), <unk> 0; total 4, γ = 0.5 · 3 / 4 = 0.375, uniform share 1/4 over
    // {</s>, <unk>, a, b}: p(a) = p(b) = 0.5/4 + 0.09375 = 0.21875, p(</s>) = 1.5/4 + 0.09375 = 0.46875,
    // p(<unk>) = 0.09375.
    @Test("Unigrams interpolate discounted continuation counts with the uniform distribution")
    func unigrams() throws {
        // The unigram level of a bigram model (a unigram model's only level would use raw counts).
        let model = try Self.model(order: 2)
        #expect(abs(Self.probability(model, "a", after: []) - 0.21875) < 1e-12)
        #expect(abs(Self.probability(model, "b", after: []) - 0.21875) < 1e-12)
        #expect(abs(Self.probability(model, "</s>", after: []) - 0.46875) < 1e-12)
        #expect(abs(Self.probability(model, "never-seen", after: []) - 0.09375) < 1e-12)
    }

    // Bigrams (raw counts at the highest order): after <s>, a 2 → γ = 0.25,
    // p(a | <s>) = 1.5/2 + 0.25 · 0.21875 = 0.8046875; p(b | <s>) = 0.25 · 0.21875 = 0.0546875 (backoff).
    // After a: b 1, </s> 1 → γ = 0.5, p(b | a) = 0.25 + 0.5 · 0.21875 = 0.359375,
    // p(</s> | a) = 0.25 + 0.5 · 0.46875 = 0.484375. After b: </s> 1 → γ = 0.5,
    // p(</s> | b) = 0.5 + 0.5 · 0.46875 = 0.734375.
    @Test("Bigrams: discounted counts plus γ times the unigram, and backoff for unseen pairs")
    func bigrams() throws {
        let model = try Self.model(order: 2)
        let expected: [(String, [String], Double)] = [
            ("a", ["<s>"], 0.8046875), ("b", ["<s>"], 0.0546875), ("b", ["a"], 0.359375),
            ("</s>", ["a"], 0.484375), ("</s>", ["b"], 0.734375), ("a", ["b"], 0.5 * 0.21875),
        ]
        for (word, context, probability) in expected {
            #expect(
                abs(Self.probability(model, word, after: context) - probability) < 1e-12,
                "\(word) | \(context)")
        }
        let sentence = model.score(sentence: "a b")
        #expect(abs(pow(10, sentence.log10Probability) - 0.8046875 * 0.359375 * 0.734375) < 1e-12)
        #expect(sentence.words == 2 && sentence.unknownWords == 0)
    }

    // Trigrams: the bigrams' adjusted counts equal their raw ones here (<s> a keeps its raw 2; a b, b </s>,
    // a </s> each have one left context), so the bigram figures above still hold. After <s> a: b 1,
    // </s> 1 → γ = 0.5, p(b | <s> a) = 0.25 + 0.5 · 0.359375 = 0.4296875. After a b: </s> 1 → γ = 0.5,
    // p(</s> | a b) = 0.5 + 0.5 · 0.734375 = 0.8671875. Unseen context b a: p(b | b a) = p(b | a).
    @Test("Trigrams interpolate with the Kneser-Ney bigrams; an unseen context backs off whole")
    func trigrams() throws {
        let model = try Self.model(order: 3)
        #expect(abs(Self.probability(model, "b", after: ["<s>", "a"]) - 0.4296875) < 1e-12)
        #expect(abs(Self.probability(model, "</s>", after: ["a", "b"]) - 0.8671875) < 1e-12)
        #expect(abs(Self.probability(model, "b", after: ["b", "a"]) - 0.359375) < 1e-12)
        #expect(model.counts == [5, 4, 3])
    }

    @Test("Discounts follow Chen and Goodman's estimate from counts of counts")
    func discountEstimate() throws {
        // Y = 10 / (10 + 2 · 5) = 0.5; D1 = 1 − 2 · 0.5 · 5/10, D2 = 2 − 3 · 0.5 · 3/5, D3+ = 3 − 4 · 0.5 · 2/3.
        let discounts = try KneserNey.Discounts.estimate(countsOfCounts: [10, 5, 3, 2], order: 2)
        #expect(abs(discounts.one - 0.5) < 1e-12)
        #expect(abs(discounts.two - 1.1) < 1e-12)
        #expect(abs(discounts.threeOrMore - (3 - 4.0 / 3)) < 1e-12)
        #expect(throws: NGramError.self) {
            try KneserNey.Discounts.estimate(countsOfCounts: [4, 0, 1, 1], order: 1)
        }
    }

    @Test("Training refuses what it cannot estimate, with a message that says why")
    func refusals() throws {
        let tooSmall = #expect(throws: NGramError.self) { try KneserNey.train(sentences: ["a b", "a"]) }
        #expect(tooSmall?.message.contains("order-1 discounts") == true)
        #expect(throws: NGramError.self) { try KneserNey.train(sentences: ["", " "]) }
        #expect(throws: NGramError.self) {
            try KneserNey.train(sentences: ["a"], configuration: .init(order: 4))
        }
    }
}
