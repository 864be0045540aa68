import Foundation
import NeuralLM
import SeededRandom
import Testing

/// Encoding, decoding, special tokens and the tokenizer.json file format.
@Suite("BPE encoding and tokenizer.json")
struct TokenizerEncodingTests {
    @Test(
        "decode(encode(s)) == s for text without special tokens that does not start with whitespace",
        arguments: TokenizerTestSupport.paritySentences(count: 150, seed: 5))
    func roundTrip(sentence: String) throws {
        let tokenizer = try TokenizerTestSupport.shared.get()
        let bytes = Array(sentence.utf8)
        let hasSpecial = SpecialToken.allCases.contains {
            bytes.firstRange(of: Array($0.rawValue.utf8)) != nil
        }
        guard !hasSpecial, let first = sentence.unicodeScalars.first, !first.properties.isWhitespace else {
            return
        }
        let text = sentence
        #expect(try tokenizer.decode(tokenizer.encode(text)) == text)
        #expect(try tokenizer.decode(tokenizer.encode(text), skipSpecialTokens: false) == text)
    }

    @Test("Every byte sequence encodes without an unknown token")
    func noUnknown() throws {
        let tokenizer = try TokenizerTestSupport.shared.get()
        var generator = SplitMix64(seed: 99)
        for _ in 0..<50 {
            let scalars = (0..<20).map { _ in
                Unicode.Scalar(UInt32.random(in: 0x20...0x2FFF, using: &generator)) ?? "x"
            }
            let text = "x" + String(String.UnicodeScalarView(scalars))
            let ids = tokenizer.encode(text)
            #expect(!ids.contains(3))
            #expect(try tokenizer.decode(ids) == text)
        }
    }

    @Test("Special tokens in text map to their ids; encodeSentence adds BOS and EOS")
    func specials() throws {
        let tokenizer = try TokenizerTestSupport.shared.get()
        let ids = tokenizer.encode("<|bos|>the lord<|eos|>")
        #expect(ids.first == 1)
        #expect(ids.last == 2)
        #expect(try tokenizer.encodeSentence("the lord") == ids)
        #expect(try tokenizer.decode(ids) == "the lord")
        #expect(try tokenizer.decode(ids, skipSpecialTokens: false) == "<|bos|> the lord<|eos|>")
        #expect(tokenizer.encode("") == [])
    }

    @Test("Decoding an id outside the vocabulary is an error")
    func unknownID() throws {
        let tokenizer = try TokenizerTestSupport.shared.get()
        #expect {
            try tokenizer.decode([5, tokenizer.vocabularySize])
        } throws: { error in
            (error as? TokenizerError)?.code == .unknownTokenID
        }
        #expect(throws: TokenizerError.self) { try tokenizer.decode([-1]) }
    }

    @Test("tokenizer.json round-trips through write and read")
    func fileRoundTrip() throws {
        let folder = try TokenizerTestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let original = try TokenizerTestSupport.smallTokenizer()
        let file = folder.appendingPathComponent("tokenizer.json")
        try TokenizerFile.write(original, to: file)
        let loaded = try TokenizerFile.read(from: file)
        #expect(loaded.tokens == original.tokens)
        #expect(loaded.specialTokens == original.specialTokens)
        #expect(loaded.decoderStripsLeadingSpaces == 1)
        for sentence in TokenizerTestSupport.trickySentences {
            #expect(loaded.encode(sentence) == original.encode(sentence))
        }
    }

    static let brokenFiles: [(String, TokenizerError.Code)] = [
        ("not json", .invalidFile),
        ("{}", .invalidFile),
        (
            #"{"added_tokens":[],"model":{"type":"WordPiece","vocab":{},"merges":[]}}"#,
            .unsupportedConfiguration
        ),
        (
            #"{"added_tokens":[],"normalizer":{"type":"Lowercase"},"pre_tokenizer":{"type":"ByteLevel"},"decoder":{"type":"ByteLevel"},"model":{"type":"BPE","vocab":{},"merges":[]}}"#,
            .unsupportedConfiguration
        ),
        (
            #"{"added_tokens":[],"pre_tokenizer":{"type":"Whitespace"},"decoder":{"type":"ByteLevel"},"model":{"type":"BPE","vocab":{},"merges":[]}}"#,
            .unsupportedConfiguration
        ),
        (
            #"{"added_tokens":[],"pre_tokenizer":{"type":"ByteLevel"},"decoder":{"type":"ByteLevel"},"model":{"type":"BPE","vocab":{"a":0},"merges":["a b"]}}"#,
            .invalidFile
        ),
        (
            #"{"added_tokens":[],"pre_tokenizer":{"type":"ByteLevel"},"decoder":{"type":"ByteLevel"},"model":{"type":"BPE","vocab":{"a":0},"merges":[]}}"#,
            .invalidFile
        ),
        (
            #"{"added_tokens":[],"pre_tokenizer":{"type":"ByteLevel"},"decoder":{"type":"ByteLevel"},"model":{"type":"BPE","vocab":{"a":0,"b":5},"merges":[]}}"#,
            .invalidFile
        ),
    ]

    @Test(
        "Malformed or unsupported tokenizer.json files are rejected with a typed error",
        arguments: brokenFiles)
    func brokenFile(text: String, code: TokenizerError.Code) {
        #expect {
            try TokenizerFile.parse(Data(text.utf8))
        } throws: { error in
            (error as? TokenizerError)?.code == code
        }
    }
}
