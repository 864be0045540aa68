import Foundation
import Testing

/// Checks that the prepared splits keep the reserved test regions out of every training file.
@Suite(
    "Prepared data splits",
    .enabled(if: PreparedData.isAvailable, "Data/ is absent: run Scripts/prepare-data to enable these tests"))
struct SplitIntegrityTests {
    @Test(
        "No test-region sentence occurs in any training or tuning file", arguments: PreparedData.trainingFiles
    )
    func noTestSentenceInTraining(trainingFile: String) throws {
        var reserved = Set<String>()
        for file in PreparedData.testFiles {
            reserved.formUnion(try PreparedData.lines(file))
        }
        #expect(reserved.count > 1000)
        let leaked = try PreparedData.lines(trainingFile).filter { reserved.contains($0) }
        #expect(
            leaked.isEmpty, "\(trainingFile) holds \(leaked.count) test sentences, e.g. \(leaked.prefix(3))")
    }

    @Test(
        "The LibriVox Sense and Sensibility transcripts are not trained on",
        arguments: PreparedData.trainingFiles)
    func noLibriVoxSentenceInTraining(trainingFile: String) throws {
        let transcripts = try PreparedData.lines("excluded/librivox.txt")
        try #require(transcripts.count == 5)
        let training = try PreparedData.lines(trainingFile)
        for transcript in transcripts {
            let hits = training.filter { $0.contains(transcript) }
            #expect(hits.isEmpty, "\(trainingFile) contains the LibriVox sentence \"\(transcript)\"")
        }
    }

    @Test("Every sentence is normalised: lower-case letters, apostrophes and single spaces")
    func sentencesAreNormalised() throws {
        let allowed = Set("abcdefghijklmnopqrstuvwxyz' ")
        for file in PreparedData.trainingFiles + PreparedData.testFiles {
            for (number, line) in try PreparedData.lines(file).enumerated() {
                let clean =
                    !line.isEmpty && line.allSatisfy(allowed.contains) && !line.contains("  ")
                    && line.first != " " && line.last != " "
                #expect(clean, "\(file):\(number + 1) is not normalised: \"\(line)\"")
                if !clean { break }
            }
        }
    }

    @Test("PROVENANCE.json records the current line counts and checksums of every split")
    func provenanceMatchesFiles() throws {
        let data = try Data(contentsOf: PreparedData.folder.appendingPathComponent("PROVENANCE.json"))
        let provenance = try JSONDecoder().decode(Provenance.self, from: data)
        for file in PreparedData.trainingFiles + PreparedData.testFiles {
            let record = try #require(provenance.files[file], "PROVENANCE.json does not list \(file)")
            #expect(record.lines == (try PreparedData.lines(file)).count, "\(file): line count differs")
            #expect(record.lines > 0, "\(file) is empty")
        }
        #expect(provenance.debianPackages["r-cran-janeaustenr"] != nil)
    }
}

/// The part of `Data/PROVENANCE.json` these tests read.
private struct Provenance: Decodable {
    struct FileRecord: Decodable {
        let lines: Int
        let words: Int
        let sha256: String
    }

    let files: [String: FileRecord]
    let debianPackages: [String: String]

    enum CodingKeys: String, CodingKey {
        case files
        case debianPackages = "debian_packages"
    }
}
