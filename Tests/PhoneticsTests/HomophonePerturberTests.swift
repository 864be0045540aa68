import NBest
import Testing

@testable import Phonetics

@Suite("Homophone perturbations")
struct HomophonePerturberTests {
    let lexicon = Fixtures.lexicon
    let perturber = HomophonePerturber(homophones: Fixtures.homophones, rate: 0.15, seed: 42)

    @Test("a perturbation never changes how a sentence sounds", arguments: HomophonePerturber.Mode.allCases)
    func soundPreserved(mode: HomophonePerturber.Mode) throws {
        for list in Fixtures.lists(60, hypotheses: 4, words: 6, seed: 1) {
            let result = perturber.perturb(list, mode: mode)
            for replacement in result.replacements {
                let before = Set(lexicon.pronunciations(of: replacement.original).map(\.phones))
                let after = Set(lexicon.pronunciations(of: replacement.replacement).map(\.phones))
                #expect(!before.isDisjoint(with: after))
                #expect(replacement.original.lowercased() != replacement.replacement.lowercased())
            }
            for (index, hypothesis) in result.list.hypotheses.enumerated() {
                let inserted = result.list.hypotheses.count > list.hypotheses.count
                let original = list.hypotheses[inserted && index >= 1 ? index - 1 : index]
                let sentenceBefore = try #require(lexicon.phoneSequences(of: original.words))
                let sentenceAfter = try #require(lexicon.phoneSequences(of: hypothesis.words))
                #expect(!sentenceBefore.isDisjoint(with: sentenceAfter))
                #expect(hypothesis.totalScore == original.totalScore)
                #expect(hypothesis.acousticScore == original.acousticScore)
            }
            #expect(Set(result.list.hypotheses.map(\.text)).count == result.list.hypotheses.count)
        }
    }

    @Test("the same seed gives the same perturbation; another seed a different one")
    func deterministic() {
        let lists = Fixtures.lists(40, hypotheses: 3, words: 8, seed: 2)
        let other = HomophonePerturber(homophones: Fixtures.homophones, rate: 0.15, seed: 43)
        let first = lists.map { perturber.perturb($0, mode: .nBest).list }
        let again = lists.reversed().map { perturber.perturb($0, mode: .nBest).list }.reversed()
        #expect(first == Array(again))
        #expect(first != lists.map { other.perturb($0, mode: .nBest).list })
    }

    @Test("one-best mode changes only the first hypothesis; twin inserts it beside the original")
    func modes() throws {
        let list = NBestList(
            utteranceID: "u1",
            hypotheses: [
                Hypothesis(text: "THERE WENT TWO", totalScore: -1, acousticScore: -0.5, lmScore: -0.5),
                Hypothesis(text: "THERE WENT TO", totalScore: -2),
                Hypothesis(text: "BAT WENT", totalScore: -3),
            ])
        let oneBest = perturber.perturb(list, mode: .oneBest)
        #expect(oneBest.list.hypotheses.count == 3)
        #expect(oneBest.list.hypotheses[0].text != list.hypotheses[0].text)
        #expect(oneBest.list.hypotheses[0].text.uppercased() == oneBest.list.hypotheses[0].text)
        #expect(Array(oneBest.list.hypotheses[1...]) == Array(list.hypotheses[1...]))
        #expect(oneBest.replacements.allSatisfy { $0.hypothesisIndex == 0 })

        let twin = perturber.perturb(list, mode: .twin)
        #expect(twin.list.hypotheses.count == 4)
        #expect(twin.list.hypotheses[0] == list.hypotheses[0])
        #expect(twin.list.hypotheses[1].totalScore == list.hypotheses[0].totalScore)
        #expect(twin.list.hypotheses[1].text != list.hypotheses[0].text)
        #expect(Array(twin.list.hypotheses[2...]) == Array(list.hypotheses[1...]))
    }

    @Test("lists without any homophone pass through unchanged")
    func nothingToReplace() {
        let list = NBestList(utteranceID: "u", hypotheses: [Hypothesis(text: "bat went", totalScore: -1)])
        for mode in HomophonePerturber.Mode.allCases {
            let result = perturber.perturb(list, mode: mode)
            #expect(result.list == list)
            #expect(result.replacements.isEmpty)
        }
    }

    @Test("the replacement rate is close to p on a large sample", arguments: [0.1, 0.3])
    func rate(p: Double) {
        let perturber = HomophonePerturber(homophones: Fixtures.homophones, rate: p, seed: 9)
        var eligible = 0
        var replaced = 0
        for list in Fixtures.lists(300, hypotheses: 1, words: 40, seed: 3) {
            eligible += list.hypotheses[0].words.filter { Fixtures.homophones.hasHomophone($0) }.count
            replaced += perturber.perturb(list, mode: .oneBest).replacements.count
        }
        let observed = Double(replaced) / Double(eligible)
        #expect(abs(observed - p) < 0.02, "observed rate \(observed) for p = \(p)")
    }
}
