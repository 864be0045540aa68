import Foundation
import Testing

@testable import Phonetics

@Suite("Lexicon parsing")
struct LexiconParserTests {
    @Test("variants are kept in order, comments and blank lines skipped")
    func variantsAndComments() throws {
        let lexicon = try Lexicon(
            parsing: """
                ;;; a comment line
                read R IY D

                read(2) R EH D  # past tense
                Record R EH K ER D
                """)
        #expect(lexicon.wordCount == 2)
        #expect(lexicon.pronunciations(of: "READ").map(\.phones) == [[.r, .iy, .d], [.r, .eh, .d]])
        #expect(lexicon.pronunciations(of: "record").first?.phones == [.r, .eh, .k, .er, .d])
        #expect(lexicon.pronunciations(of: "missing").isEmpty)
    }

    @Test("stress digits are parsed apart from the phones")
    func stress() throws {
        let lexicon = try Lexicon(parsing: "abate AH0 B EY1 T\n")
        let pronunciation = try #require(lexicon.pronunciations(of: "abate").first)
        #expect(pronunciation.phones == [.ah, .b, .ey, .t])
        #expect(pronunciation.stresses == [0, nil, 1, nil])
        #expect(pronunciation.description == "AH0 B EY1 T")
    }

    @Test("malformed lines are reported with their line numbers")
    func malformedLines() throws {
        let text = """
            good G UH D
            nophones
            bad B AE QQ
            stress S T R EH9 S
            cons T1 AH
            var(x) V AA R
            fine F AY N
            """
        let report = Lexicon.parseReport(text)
        #expect(report.acceptedLines == 2)
        #expect(report.malformedLines.map(\.lineNumber) == [2, 3, 4, 5, 6])
        #expect(report.malformedLines[1].reason.contains("unknown phone 'QQ'"))
        let error = #expect(throws: LexiconError.self) { try Lexicon(parsing: text) }
        #expect(error?.code == .malformedLines)
        #expect(error?.malformedLines.count == 5)
        #expect(error?.message.contains("line 3") == true)
        let lenient = try Lexicon(parsing: text, strict: false)
        #expect(lenient.wordCount == 2)
    }

    @Test("an empty dictionary and a missing file are typed errors")
    func emptyAndMissing() {
        let empty = #expect(throws: LexiconError.self) { try Lexicon(parsing: ";;; only a comment\n") }
        #expect(empty?.code == .empty)
        let missing = #expect(throws: LexiconError.self) {
            try Lexicon(contentsOfFile: "/nonexistent/secondpass/dict")
        }
        #expect(missing?.code == .unreadableFile)
    }

    @Test(
        "the Debian CMU dictionary parses completely and yields real homophones and near-homophones",
        .enabled(if: FileManager.default.fileExists(atPath: Lexicon.pocketsphinxDictionaryPath)))
    func realDictionary() throws {
        let report = Lexicon.parseReport(
            try String(contentsOfFile: Lexicon.pocketsphinxDictionaryPath, encoding: .utf8))
        #expect(report.malformedLines.isEmpty)
        let lexicon = report.lexicon
        #expect(lexicon.wordCount > 120_000)
        #expect(lexicon.pronunciations(of: "the").count >= 2)
        #expect(lexicon.pronunciations(of: "knight").map(\.phones).contains([.n, .ay, .t]))
        let counts = WordFrequencies(counts: [
            "there": 50, "their": 40, "they're": 10, "night": 30, "knight": 5, "bat": 5, "pat": 5, "sat": 5,
        ])
        let homophones = HomophoneIndex(lexicon: lexicon, frequencies: counts)
        #expect(homophones.homophones(of: "there") == ["their", "they're"])
        #expect(homophones.homophones(of: "knight") == ["night"])
        let near = NearHomophoneIndex(lexicon: lexicon, frequencies: counts)
        #expect(near.neighbors(of: "bat", within: 0.6).map(\.word) == ["pat", "sat"])
    }
}
