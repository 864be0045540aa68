import Foundation
import SeededRandom
import Testing

@testable import NGram

/// The model is a distribution: after any context, the probabilities of every word that can
/// follow (the vocabulary and `</s>`, `<unk>` included, `<s>` never) sum to one.
@Suite("Kneser-Ney: probabilities sum to one")
struct NormalisationTests {
    static let trained = Result {
        try KneserNey.train(sentences: SyntheticCorpus.sentences(count: 3000, seed: 11))
    }

    /// Contexts of every kind: seen trigram contexts, contexts seen only as bigrams, unseen pairs,
    /// sentence starts, `<unk>`.
    static func contexts(_ model: BackoffNGramModel) -> [[Int32]] {
        var generator = SplitMix64(seed: 5)
        let ids = Array(0..<Int32(model.vocabulary.count))
        var contexts: [[Int32]] = [[], [model.vocabulary.startID], [model.vocabulary.unknownID]]
        let seen = model.tables[2].keys.sorted().map {
            Array(BackoffNGramModel.ids(of: $0, order: 3).prefix(2))
        }
        for _ in 0..<15 { contexts.append(seen[generator.next(below: seen.count)]) }
        for _ in 0..<15 {
            let first = ids[generator.next(below: ids.count)]
            let second = ids[generator.next(below: ids.count)]
            if second != model.vocabulary.startID { contexts.append([first, second]) }
        }
        contexts.append([model.vocabulary.startID, model.vocabulary.unknownID])
        return contexts
    }

    static func sum(_ model: BackoffNGramModel, after context: [Int32]) -> Double {
        model.vocabulary.predictableIDs.reduce(0) {
            $0 + pow(10, model.log10Probability(of: $1, after: context))
        }
    }

    @Test("The trained model, for sampled contexts of every kind")
    func trainedModelSumsToOne() throws {
        let (model, statistics) = try Self.trained.get()
        #expect(model.order == 3 && model.counts[2] > 1000)
        #expect(statistics.discounts.count == 3 && statistics.unknownWords == 0)
        for context in Self.contexts(model) {
            let sum = Self.sum(model, after: context)
            #expect(abs(sum - 1) < 1e-9, "context \(context): \(sum)")
        }
    }

    @Test("The model read back from its ARPA file (seven decimals), for the same contexts")
    func arpaModelSumsToOne() throws {
        let (model, _) = try Self.trained.get()
        let read = try ARPAFormat.read(ARPAFormat.write(model))
        for context in Self.contexts(model) {
            let sum = Self.sum(read, after: context)
            #expect(abs(sum - 1) < 1e-5, "context \(context): \(sum)")
        }
    }

    @Test("With <unk> trained from rare words, and as a bigram model")
    func otherConfigurationsSumToOne() throws {
        let sentences = SyntheticCorpus.sentences(count: 3000, seed: 12)
        for configuration in [KneserNey.Configuration(minimumWordCount: 3), .init(order: 2)] {
            let (model, statistics) = try KneserNey.train(sentences: sentences, configuration: configuration)
            if configuration.minimumWordCount > 1 { #expect(statistics.unknownWords > 0) }
            for context: [Int32] in [
                [], [model.vocabulary.startID], [model.vocabulary.unknownID, 5], [7, 9],
            ] {
                let sum = Self.sum(model, after: context)
                #expect(abs(sum - 1) < 1e-9, "\(configuration), context \(context): \(sum)")
            }
        }
    }
}
