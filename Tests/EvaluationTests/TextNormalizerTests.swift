import Foundation
import SeededRandom
import Testing

@testable import Evaluation

@Suite("Text normalisation")
struct TextNormalizerTests {
    @Test(arguments: [
        ("Hello, World!", "hello world"),
        ("  Don't   STOP\tme\n", "don't stop me"),
        ("It\u{2019}s well-known.", "it's well known"),
        ("\"Quoted\" (parenthetical) text; yes?", "quoted parenthetical text yes"),
        ("...", ""),
        ("", ""),
        ("£5 & 10%", "5 10"),
    ])
    func standardNormalisation(input: String, expected: String) {
        #expect(TextNormalizer.standard.normalize(input) == expected)
    }

    @Test func settingsAreHonoured() {
        let keepCase = TextNormalizer(lowercase: false, keepApostrophes: false, splitHyphens: false)
        #expect(keepCase.normalize("Don't re-enter, Bob.") == "Dont reenter Bob")
        #expect(TextNormalizer.identity.normalize("  Don't,  re-enter ") == "Don't, re-enter")
    }

    @Test func settingsRoundTripThroughJSON() throws {
        let settings = TextNormalizer(lowercase: false, splitHyphens: false)
        let data = try JSONEncoder().encode(settings)
        #expect(try JSONDecoder().decode(TextNormalizer.self, from: data) == settings)
    }
}

@Suite("Text normalisation properties (seeded)")
struct TextNormalizerPropertyTests {
    @Test func normalisationIsIdempotentAndHasNoStraySpaces() {
        var generator = SplitMix64(seed: 31)
        let pieces = ["Word", "don't", " ", "  ", "\t", ",", ".", "-", "’", "ÉCOLE", "naïve", "!", "x"]
        for _ in 0..<500 {
            let text = (0..<Int.random(in: 0...12, using: &generator)).map { _ in
                pieces.randomElement(using: &generator)!
            }.joined()
            let once = TextNormalizer.standard.normalize(text)
            #expect(TextNormalizer.standard.normalize(once) == once)
            #expect(!once.hasPrefix(" ") && !once.hasSuffix(" ") && !once.contains("  "))
        }
    }
}

@Suite("Text normalisation fast path")
struct TextNormalizerFastPathTests {
    @Test(arguments: [
        TextNormalizer.standard, .identity, TextNormalizer(lowercase: false, keepApostrophes: false),
    ])
    func asciiFastPathEqualsGeneralPath(normalizer: TextNormalizer) throws {
        var generator = SplitMix64(seed: 41)
        for _ in 0..<2000 {
            let bytes = (0..<Int.random(in: 0...30, using: &generator)).map { _ in
                UInt8.random(in: 0...0x7F, using: &generator)
            }
            let text = String(decoding: bytes, as: UTF8.self)
            let fast = try #require(normalizer.normalizeASCII(text))
            #expect(fast == normalizer.normalizeScalars(text), "\(bytes)")
        }
        #expect(normalizer.normalizeASCII("café") == nil)
    }
}
