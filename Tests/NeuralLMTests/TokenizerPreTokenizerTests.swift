import NeuralLM
import Testing

/// The pre-tokenizer reproduces GPT-2's splitting pattern piece by piece.
@Suite("Byte-level pre-tokenizer")
struct TokenizerPreTokenizerTests {
    static let cases: [(String, [String])] = [
        ("", []),
        ("the lord", [" the", " lord"]),
        (" the", [" the"]),
        ("don't", [" don", "'t"]),
        ("it's we're I'LL", [" it", "'s", " we", "'re", " I", "'", "LL"]),
        ("hello, world!", [" hello", ",", " world", "!"]),
        ("a  b", [" a", " ", " b"]),
        ("a   b  ", [" a", "  ", " b", "  "]),
        ("x\n\ny", [" x", "\n", "\n", "y"]),
        ("abc123def", [" abc", "123", "def"]),
        ("3.14", [" 3", ".", "14"]),
        ("...!?", [" ...!?"]),
        ("café", [" café"]),
        ("\u{00A0}x", [" ", "\u{00A0}", "x"]),
        ("日本語 テキスト", [" 日本語", " テキスト"]),
        ("🙂 ok", [" 🙂", " ok"]),
    ]

    @Test("Splits like the GPT-2 pattern", arguments: cases)
    func splits(input: String, expected: [String]) {
        let pieces = ByteLevelPreTokenizer().split(input).map { String(decoding: $0, as: UTF8.self) }
        #expect(pieces == expected)
    }

    @Test("Without a prefix space the first word keeps its spelling")
    func noPrefixSpace() {
        let pieces = ByteLevelPreTokenizer(addPrefixSpace: false).split("the lord").map {
            String(decoding: $0, as: UTF8.self)
        }
        #expect(pieces == ["the", " lord"])
    }

    @Test("Pieces concatenate back to the (prefixed) input", arguments: TokenizerTestSupport.trickySentences)
    func lossless(input: String) {
        let joined = ByteLevelPreTokenizer().split(input).flatMap { $0 }
        let expected = input.isEmpty || input.hasPrefix(" ") ? Array(input.utf8) : Array((" " + input).utf8)
        #expect(joined == expected)
    }

    @Test("The byte alphabet has 256 distinct printable symbols and maps space to Ġ")
    func alphabet() {
        #expect(Set(ByteLevelAlphabet.characters).count == 256)
        #expect(ByteLevelAlphabet.characters[0x20] == "Ġ")
        #expect(ByteLevelAlphabet.characters[0x0A] == "Ċ")
        #expect(ByteLevelAlphabet.characters[Int(UInt8(ascii: "a"))] == "a")
        let all = (0...255).map(UInt8.init)
        #expect(ByteLevelAlphabet.decode(ByteLevelAlphabet.encode(all)) == all)
    }
}
