import Foundation
import Testing

/// Checks that the period English added to the general corpus (KJV, GCIDE quotations) is really in
/// it, and that the rule for quotations that are fragments of a test sentence took effect.
@Suite(
    "General corpus: added period sources",
    .enabled(if: PreparedData.isAvailable, "Data/ is absent: run Scripts/prepare-data to enable these tests"))
struct AddedSourcesTests {
    /// Lines of every file that pretraining may read from the general corpus.
    private static func generalTraining() throws -> Set<String> {
        Set(try PreparedData.lines("general/train.txt") + PreparedData.lines("general/valid-added.txt"))
    }

    @Test("A KJV verse and GCIDE quotations are in the general corpus, their citations are not")
    func addedSourcesArePresent() throws {
        let general = try Self.generalTraining()
        // Genesis 1:1 in the KJV wording (the WEB has "heavens" and a comma).
        #expect(general.contains("in the beginning god created the heaven and the earth"))
        // GCIDE quotations (under "Period" and "Affect"), without their citations (--B. Johnson.).
        #expect(general.contains("periods are beautiful when they are not too long"))
        #expect(general.contains("the drops of every fluid affect a round figure"))
        #expect(!general.contains { $0.hasSuffix(" b johnson") || $0.hasSuffix(" webster") })
    }

    @Test("A quotation that is part of a test-region sentence is not trained on")
    func fragmentOfTestSentenceIsRemoved() throws {
        // Emma's test region quotes Gay's fable ("for when a lady's in the case ..."); GCIDE has the
        // lines with "And" for "For", so exact matching alone would let them through.
        let fragment = "when a lady's in the case you know all other things give place"
        let test = try PreparedData.lines("austen/test/emma.txt")
        try #require(test.contains { $0.contains(fragment) }, "the Emma test region no longer quotes Gay")
        for file in PreparedData.trainingFiles {
            let hits = try PreparedData.lines(file).filter { $0.contains(fragment) }
            #expect(hits.isEmpty, "\(file) holds \(hits)")
        }
    }

    @Test("PROVENANCE.json records the Debian packages of the added sources")
    func provenanceNamesPackages() throws {
        let data = try Data(contentsOf: PreparedData.folder.appendingPathComponent("PROVENANCE.json"))
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let packages = try #require(object["debian_packages"] as? [String: String])
        #expect(packages["sword-text-kjv"] != nil)
        #expect(packages["dict-gcide"] != nil)
    }
}
