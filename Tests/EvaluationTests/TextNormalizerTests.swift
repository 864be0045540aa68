import Foundation
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
