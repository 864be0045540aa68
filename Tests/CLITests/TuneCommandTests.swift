import Foundation
import SecondPassTestSupport
import Testing

/// `secondpass tune` on the fixture N-best file with the shipped model and adapter.
@Suite struct TuneCommandTests {
    @Test func tuningWritesWeightsPerAdapterNoWorseThanTheStartingOnes() async throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("fusion.json").path
        let result = try await CLI.run([
            "tune", "--model", "Models/base", "--adapter", "austen=Models/adapters/austen-lora-r8",
            "--nbest", CLI.fixture("nbest.jsonl"), "--output", output, "--method", "line",
        ])
        #expect(result.status == 0, "\(result.errorText)")
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: output)))
        let file = try #require(json as? [String: Any])
        let adapters = try #require(file["adapters"] as? [String: Any])
        let entries = [
            try #require(file["base"] as? [String: Any]), try #require(adapters["austen"] as? [String: Any]),
        ]
        for entry in entries {
            let before = try #require(entry["dev_wer_before"] as? Double)
            let after = try #require(entry["dev_wer_after"] as? Double)
            #expect(after <= before)
            #expect(entry["utterances"] as? Int == 3)
            for key in ["first_pass_weight", "lm_weight", "length_bonus"] {
                #expect((entry[key] as? Double)?.isFinite == true, "\(key) in \(entry)")
            }
        }
    }

    @Test func aBadRangeIsOneLineAndAFailure() async throws {
        let result = try await CLI.run([
            "tune", "--model", "Models/base", "--nbest", CLI.fixture("nbest.jsonl"), "--output",
            "/tmp/unused.json",
            "--lm-weights", "1:0:0.1",
        ])
        #expect(result.status != 0)
        #expect(CLI.errorLines(result).count == 1, "\(result.errorText)")
        #expect(result.errorText.contains("--lm-weights"))
    }

    @Test func anUnknownGridIsOneLineNamingTheKnownOnes() async throws {
        let result = try await CLI.run([
            "tune", "--model", "Models/base", "--nbest", CLI.fixture("nbest.jsonl"), "--output",
            "/tmp/unused.json", "--grid", "huge",
        ])
        #expect(result.status != 0)
        #expect(CLI.errorLines(result).count == 1, "\(result.errorText)")
        #expect(result.errorText.contains("--grid must be standard or wide, not 'huge'"))
    }
}
