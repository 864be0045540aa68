import Foundation
import NeuralLM
import Testing

/// BPE training: correct first merges, deterministic ties, exact vocabulary size, bad arguments.
@Suite("BPE training")
struct TokenizerTrainingTests {
    @Test("The most frequent pair is merged first, ties go to the smaller ids")
    func firstMerges() throws {
        // " ab" ×3 and " cd" ×3: pairs (Ġ,a), (a,b), (Ġ,c), (c,d) all count 3; ties -> smallest left id.
        let tokenizer = try BPETrainer(vocabularySize: 260 + 3).train(Array(repeating: "ab cd", count: 3))
        let names = tokenizer.merges.map { tokenizer.tokens[$0.left] + "+" + tokenizer.tokens[$0.right] }
        // Byte ids follow byte values: space (Ġ, 0x20) < a < c, so (Ġ,a), (Ġ,c), then (Ġa,b) before (Ġc,d).
        #expect(names == ["Ġ+a", "Ġ+c", "Ġa+b"])
    }

    @Test("Training twice gives identical merges")
    func deterministic() throws {
        let corpus = TokenizerTestSupport.corpus(lines: 800, seed: 11)
        let first = try BPETrainer(vocabularySize: 500).train(corpus)
        let second = try BPETrainer(vocabularySize: 500).train(corpus.reversed())
        #expect(first.tokens == second.tokens)
        #expect(first.merges.map { [$0.left, $0.right] } == second.merges.map { [$0.left, $0.right] })
    }

    @Test("The vocabulary reaches the requested size when the corpus allows", arguments: [261, 300, 400])
    func vocabularySize(size: Int) throws {
        let tokenizer = try TokenizerTestSupport.smallTokenizer(vocabularySize: size)
        #expect(tokenizer.vocabularySize == size)
        #expect(tokenizer.tokens.prefix(4) == ["<|pad|>", "<|bos|>", "<|eos|>", "<|unk|>"])
        #expect(tokenizer.id(of: .bos) == 1)
    }

    @Test("Training stops early when no pair reaches the minimum count")
    func stopsEarly() throws {
        let tokenizer = try BPETrainer(vocabularySize: 1000, minimumPairCount: 2).train(["abcdefg"])
        #expect(tokenizer.merges.isEmpty)
        #expect(tokenizer.vocabularySize == 260)
    }

    @Test("Whole frequent words become single tokens")
    func frequentWords() throws {
        let tokenizer = try TokenizerTestSupport.shared.get()
        for word in ["the", "lord", "emma", "don't"] {
            let ids = tokenizer.encode(word)
            #expect(ids.count <= 2, "\(word) -> \(ids.map { tokenizer.tokens[$0] })")
        }
        #expect(tokenizer.encode("the").count == 1)
        #expect(tokenizer.id(of: "Ġthe") != nil)
    }

    @Test("Out-of-range arguments are rejected with a message")
    func invalidArguments() {
        #expect(throws: TokenizerError.self) { try BPETrainer(vocabularySize: 259) }
        #expect(throws: TokenizerError.self) { try BPETrainer(vocabularySize: 300, minimumPairCount: 0) }
        let error = #expect(throws: TokenizerError.self) { try BPETrainer(vocabularySize: 10) }
        #expect(error?.code == .invalidArgument)
        #expect(error?.message.contains("10") == true)
    }
}
