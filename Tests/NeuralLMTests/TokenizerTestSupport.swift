import Foundation
import NeuralLM
import SecondPassTestSupport
import SeededRandom

/// Shared fixtures for the tokenizer tests: a deterministic corpus, tricky sentences, paths.
enum TokenizerTestSupport {
    /// The package root: the nearest folder above this file that holds `Package.swift`.
    static var packageRoot: URL { PythonPeer.packageRoot }

    static let words = [
        "the", "lord", "said", "to", "moses", "and", "emma", "was", "not", "an", "ill", "disposed", "young",
        "man",
        "she", "had", "been", "made", "amiable", "himself", "whale", "captain", "ahab", "ship", "sea",
        "don't",
        "it's", "you're", "we've", "i'm", "they'll", "he'd", "o'clock", "mister", "elizabeth", "darcy",
        "pride",
        "prejudice", "sense", "sensibility", "marianne", "elinor", "to", "be", "or", "of", "in", "a", "for",
        "rescoring", "hypothesis", "recognition", "speech", "language", "model", "weather", "computer",
        "hello",
    ]

    /// A training corpus of `lines` sentences drawn from `words` (Zipf-like by repetition of early words).
    static func corpus(lines: Int, seed: UInt64) -> [String] {
        var generator = SplitMix64(seed: seed)
        return (0..<lines).map { _ in
            let length = Int.random(in: 3...14, using: &generator)
            return (0..<length).map { _ in
                let skewed =
                    Int.random(in: 0..<words.count, using: &generator)
                    % Int.random(in: 1...words.count, using: &generator)
                return words[skewed]
            }.joined(separator: " ")
        }
    }

    /// Hand-picked inputs that exercise every branch of the pre-tokenizer and the special tokens.
    static let trickySentences: [String] = [
        "", " ", "  ", "\t", "\n", "a", "the", " the", "the ", "the  lord", "the\tlord\nsaid",
        "don't", "DON'T", "it's emma's", "'s", "'tis", "o'clock", "rock 'n' roll",
        "you're we've i'm they'll he'd",
        "Hello, World!", "What?! No... yes; maybe: (really) [sure] {ok}", "\"quoted\" 'single'",
        "3.14159 is pi", "in 1811 there were 10,000 men", "²³ ½ Ⅻ", "café naïve résumé", "Ñandú über straße",
        "日本語のテキスト", "Привет мир", "مرحبا بالعالم", "🙂 emoji 👍🏽 family 👨‍👩‍👧", "e\u{301} combining",
        "\u{00A0}non-breaking\u{00A0}space", "zero\u{200B}width", "line\u{2028}separator", "tab\t\tend\t",
        "<|bos|>", "<|eos|>", "<|bos|>the lord<|eos|>", "a<|pad|>b", "<|unk|><|unk|>", "<|bos", "|>",
        "<|bos|>\u{301}",
        "mixed CASE Words", "hyphen-ated and en–dash — em", "trailing spaces   ", "   leading spaces",
        "email me@example.com or http://x.y/z?q=1", "#hashtag @mention $100 50% a&b",
        "\u{0}\u{1}control\u{7F}",
    ]

    /// Tricky sentences plus `count` generated ones mixing corpus words, case, digits, punctuation, unicode.
    static func paritySentences(count: Int, seed: UInt64) -> [String] {
        var generator = SplitMix64(seed: seed)
        let extras = [
            ",", ".", "!", "?", "'", "\"", "-", "--", "...", "42", "1999", "3.5", "é", "ß", "日本", "🙂", "\t",
            "  ",
            "<|eos|>", "Émile", "NAÏVE", "x'y", "''", "’", "“quoted”",
        ]
        var sentences = trickySentences
        for _ in 0..<count {
            let length = Int.random(in: 1...16, using: &generator)
            var parts: [String] = []
            for _ in 0..<length {
                var token =
                    Int.random(in: 0..<4, using: &generator) == 0
                    ? extras.randomElement(using: &generator)! : words.randomElement(using: &generator)!
                if Int.random(in: 0..<7, using: &generator) == 0 { token = token.capitalized }
                parts.append(token)
            }
            let separator = Int.random(in: 0..<10, using: &generator) == 0 ? "" : " "
            sentences.append(parts.joined(separator: separator))
        }
        return sentences
    }

    /// A small tokenizer trained on the deterministic corpus.
    static func smallTokenizer(vocabularySize: Int = 700) throws -> BPETokenizer {
        try BPETrainer(vocabularySize: vocabularySize).train(corpus(lines: 2000, seed: 7))
    }

    /// The default small tokenizer, trained once per test process.
    static let shared = Result { try smallTokenizer() }

    /// A fresh temporary folder, removed by the caller.
    static func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent(
            "secondpass-tokenizer-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
