import Foundation
import NeuralLM
import SecondPassTestSupport
import Testing

/// Swift and Hugging Face `tokenizers` 0.19 must encode identically from the same `tokenizer.json`.
@Suite("Tokenizer parity with Python tokenizers", .requiresPythonPeer)
struct TokenizerParityTests {
    /// What the Python reference script prints.
    struct Reference: Decodable {
        let version: String
        let ids: [[Int]]
        let decoded: [String]
        let decodedWithSpecial: [String]

        enum CodingKeys: String, CodingKey {
            case version, ids, decoded
            case decodedWithSpecial = "decoded_with_special"
        }
    }

    /// Runs `Tests/Python/tokenizer_parity.py` on a tokenizer file and sentences.
    static func pythonReference(tokenizerFile: URL, sentences: [String], folder: URL) async throws
        -> Reference
    {
        let sentencesFile = folder.appendingPathComponent("sentences.json")
        try JSONEncoder().encode(sentences).write(to: sentencesFile)
        let output = try await PythonPeer.runReference(
            script: "Tests/Python/tokenizer_parity.py", arguments: [tokenizerFile.path, sentencesFile.path])
        return try JSONDecoder().decode(Reference.self, from: output)
    }

    /// Tokenizer files to check: one trained here, plus the released base model's when present.
    static var tokenizerSources: [String] {
        var sources = ["trained-in-test"]
        let released = TokenizerTestSupport.packageRoot.appendingPathComponent("Models/base/tokenizer.json")
        if FileManager.default.fileExists(atPath: released.path) {
            sources.append("Models/base/tokenizer.json")
        }
        return sources
    }

    @Test("Swift and Python encode and decode identically", arguments: tokenizerSources)
    func parity(source: String) async throws {
        let folder = try TokenizerTestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file: URL
        if source == "trained-in-test" {
            file = folder.appendingPathComponent("tokenizer.json")
            try TokenizerFile.write(try TokenizerTestSupport.smallTokenizer(), to: file)
        } else {
            file = TokenizerTestSupport.packageRoot.appendingPathComponent(source)
        }
        let tokenizer = try TokenizerFile.read(from: file)
        let sentences = TokenizerTestSupport.paritySentences(count: 300, seed: 2024)
        let reference = try await Self.pythonReference(
            tokenizerFile: file, sentences: sentences, folder: folder)
        #expect(reference.version == "0.19.1")
        try #require(reference.ids.count == sentences.count)
        var mismatches = 0
        for (index, sentence) in sentences.enumerated() {
            let ids = tokenizer.encode(sentence)
            #expect(ids == reference.ids[index], "encode(\(sentence.debugDescription))")
            #expect(
                try tokenizer.decode(ids) == reference.decoded[index],
                "decode of \(sentence.debugDescription)")
            #expect(
                try tokenizer.decode(ids, skipSpecialTokens: false) == reference.decodedWithSpecial[index],
                "decode with specials of \(sentence.debugDescription)")
            if ids != reference.ids[index] { mismatches += 1 }
        }
        #expect(mismatches == 0)
        #expect(sentences.count >= 350)
    }

    @Test("A tokenizer.json written by Python after loading ours reads back identically")
    func pythonResave() async throws {
        let folder = try TokenizerTestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let original = try TokenizerTestSupport.smallTokenizer()
        let file = folder.appendingPathComponent("tokenizer.json")
        let resaved = folder.appendingPathComponent("resaved.json")
        try TokenizerFile.write(original, to: file)
        try await PythonPeer.run(
            code:
                "import sys; from tokenizers import Tokenizer; Tokenizer.from_file(sys.argv[1]).save(sys.argv[2])",
            arguments: [file.path, resaved.path])
        let reloaded = try TokenizerFile.read(from: resaved)
        #expect(reloaded.tokens == original.tokens)
        #expect(reloaded.merges.map(\.left) == original.merges.map(\.left))
        #expect(reloaded.merges.map(\.right) == original.merges.map(\.right))
        #expect(reloaded.specialTokens == original.specialTokens)
    }
}
