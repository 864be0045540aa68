import Testing

@testable import Phonetics

@Suite("Homophone groups and near-homophone index")
struct HomophoneIndexTests {
    @Test("groups hold identical phone strings, most frequent member first")
    func groups() {
        let index = Fixtures.homophones
        #expect(index.homophones(of: "there") == ["their", "they're"])
        #expect(Set(index.homophones(of: "Two")) == ["to", "too"])
        #expect(index.homophones(of: "to") == ["too", "two"])
        #expect(index.homophones(of: "bat").isEmpty)
        #expect(index.groups[[.s, .iy]] == ["sea", "see"])
    }

    @Test("stress is ignored when grouping")
    func stressIgnored() throws {
        let lexicon = try Lexicon(
            parsing: "permit P ER0 M IH1 T\npermit(2) P ER1 M IH2 T\npurr-mit P ER1 M IH0 T\n")
        let index = HomophoneIndex(
            lexicon: lexicon, frequencies: WordFrequencies(counts: ["permit": 3, "purr-mit": 1]))
        #expect(index.homophones(of: "permit") == ["purr-mit"])
    }

    @Test("the frequency threshold keeps rare words out of groups")
    func frequencyFilter() {
        let counts = WordFrequencies(counts: ["see": 50, "sea": 20, "c": 1])
        let lexicon = Lexicon(entries: [
            "see": [Pronunciation(phones: [.s, .iy])], "sea": [Pronunciation(phones: [.s, .iy])],
            "c": [Pronunciation(phones: [.s, .iy])],
        ])
        #expect(
            HomophoneIndex(lexicon: lexicon, frequencies: counts, minimumCount: 1).homophones(of: "see") == [
                "sea", "c",
            ])
        #expect(
            HomophoneIndex(lexicon: lexicon, frequencies: counts, minimumCount: 5).homophones(of: "see") == [
                "sea"
            ])
        #expect(!HomophoneIndex(lexicon: lexicon, frequencies: counts, minimumCount: 30).hasHomophone("see"))
    }

    @Test("near-homophone queries match a brute-force scan", arguments: [0.3, 0.6, 1.0])
    func nearMatchesBruteForce(within distance: Double) {
        let lexicon = Fixtures.lexicon
        let frequencies = Fixtures.frequencies
        let index = NearHomophoneIndex(lexicon: lexicon, frequencies: frequencies)
        for word in ["bat", "two", "went", "sun"] {
            var expected: [String: Double] = [:]
            for (other, pronunciations) in lexicon.entries
            where other != word && frequencies.count(of: other) > 0 {
                for a in lexicon.pronunciations(of: word) {
                    for b in pronunciations {
                        let d = PhoneticDistance.distance(a.phones, b.phones)
                        if d <= distance { expected[other] = min(expected[other] ?? .infinity, d) }
                    }
                }
            }
            let found = index.neighbors(of: word, within: distance)
            #expect(Dictionary(uniqueKeysWithValues: found.map { ($0.word, $0.distance) }) == expected)
            #expect(found.map(\.distance) == found.map(\.distance).sorted())
        }
    }

    @Test("bat's nearest neighbours: pat before sat, homophones at distance zero")
    func nearestOrder() throws {
        let index = NearHomophoneIndex(lexicon: Fixtures.lexicon, frequencies: Fixtures.frequencies)
        let words = index.neighbors(of: "bat", within: 1).map(\.word)
        let pat = try #require(words.firstIndex(of: "pat"))
        let sat = try #require(words.firstIndex(of: "sat"))
        #expect(pat < sat)
        #expect(index.neighbors(of: "two", within: 0).map(\.word) == ["to", "too"])
    }

    @Test("word tokens are lower-cased, apostrophes kept inside words")
    func tokenizer() {
        #expect(
            WordFrequencies.words(in: "They're 'quoted', DON'T stop... ok") == [
                "they're", "quoted", "don't", "stop", "ok",
            ])
        let frequencies = WordFrequencies(countingWordsIn: "a A b")
        #expect(frequencies.count(of: "a") == 2)
        #expect(frequencies.total == 3)
        #expect(frequencies.logProbability(of: "a") > frequencies.logProbability(of: "zzz"))
    }
}
