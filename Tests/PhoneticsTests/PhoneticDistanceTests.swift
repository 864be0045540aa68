import SeededRandom
import Testing

@testable import Phonetics

@Suite("Articulatory phone costs and phonetic distance")
struct PhoneticDistanceTests {
    let costs = PhoneCosts.standard

    @Test("substitution costs are symmetric, zero only on the diagonal, within [0, 1]")
    func symmetric() {
        for a in Phone.allCases {
            for b in Phone.allCases {
                #expect(costs.substitution(a, b) == costs.substitution(b, a))
                #expect((costs.substitution(a, b) == 0) == (a == b))
                #expect(costs.substitution(a, b) <= 1)
                #expect(costs.substitution(a, b) <= 2 * PhoneCosts.indelCost + 1e-12)
            }
        }
    }

    @Test("substitution costs obey the triangle inequality over all phone triples")
    func triangle() {
        var violations = 0
        for a in Phone.allCases {
            for b in Phone.allCases {
                for c in Phone.allCases
                where costs.substitution(a, c) > costs.substitution(a, b) + costs.substitution(b, c) + 1e-9 {
                    violations += 1
                }
            }
        }
        #expect(violations == 0)
    }

    @Test(
        "minimal pairs: the first pair is closer than the second",
        arguments: [
            ("B AE T", "P AE T", "B AE T", "S AE T"),
            ("B AE T", "B EH T", "B AE T", "B UW T"),
            ("S IH N", "TH IH N", "S IH N", "G IH N"),
            ("M AE P", "N AE P", "M AE P", "S AE P"),
            ("T UW", "T UW Z", "T UW", "K AE T S"),
        ])
    func minimalPairs(a: String, b: String, c: String, d: String) {
        #expect(
            PhoneticDistance.distance(phones(a), phones(b)) < PhoneticDistance.distance(phones(c), phones(d)))
    }

    @Test("distance is a metric on random phone sequences")
    func metricOnRandomSequences() {
        var generator = SplitMix64(seed: 7)
        func random() -> [Phone] {
            (0..<Int(generator.next() % 7)).map { _ in Phone.allCases[Int(generator.next() % 39)] }
        }
        for _ in 0..<300 {
            let (x, y, z) = (random(), random(), random())
            let xy = PhoneticDistance.distance(x, y)
            #expect(xy == PhoneticDistance.distance(y, x))
            #expect((xy == 0) == (x == y))
            #expect(PhoneticDistance.distance(x, z) <= xy + PhoneticDistance.distance(y, z) + 1e-9)
        }
    }

    @Test("bounded distance agrees with the full distance and abandons beyond the bound")
    func bounded() {
        let a = phones("K AE T")
        let b = phones("S T R IY T S")
        let full = PhoneticDistance.distance(a, b)
        #expect(PhoneticDistance.distance(a, b, bound: full) == full)
        #expect(PhoneticDistance.distance(a, b, bound: full - 0.01) == nil)
        #expect(abs(PhoneticDistance.distance([], a) - 1.8) < 1e-9)
    }

    @Test("every phone has features of the right class")
    func featureClasses() {
        let vowels = Phone.allCases.filter(\.isVowel).map(\.rawValue)
        #expect(
            Set(vowels) == [
                "AA", "AE", "AH", "AO", "AW", "AY", "EH", "ER", "EY", "IH", "IY", "OW", "OY", "UH", "UW",
            ])
        #expect(Phone.allCases.count == 39)
    }

    private func phones(_ text: String) -> [Phone] {
        text.split(separator: " ").map { Phone(rawValue: String($0))! }
    }
}
