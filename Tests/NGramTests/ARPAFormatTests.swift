import Foundation
import SecondPassTestSupport
import Testing

@testable import NGram

/// ARPA files: what we write reads back to the same model, an independent reader (PyPI `arpa`)
/// gives the same sentence probabilities, and malformed files fail with the line that is wrong.
@Suite("ARPA format")
struct ARPAFormatTests {
    static let trained = Result {
        try KneserNey.train(sentences: SyntheticCorpus.sentences(count: 2000, seed: 21)).model
    }

    /// Held-out sentences, with words the model never saw.
    static let heldOut = SyntheticCorpus.sentences(count: 40, seed: 22) + ["w3 never-seen w1", "unseen"]

    @Test("Write, read, write gives the same text; the read model scores within the rounding")
    func roundTrip() throws {
        let model = try Self.trained.get()
        let text = ARPAFormat.write(model)
        let read = try ARPAFormat.read(text)
        #expect(ARPAFormat.write(read) == text)
        #expect(read.counts == model.counts && read.vocabulary == model.vocabulary)
        #expect(text.hasPrefix("\\data\\\nngram 1=\(model.counts[0])\n"))
        #expect(text.contains("\n-99.0000000\t<s>\t"))
        for sentence in Self.heldOut {
            let original = model.score(sentence: sentence)
            let again = read.score(sentence: sentence)
            #expect(
                abs(original.log10Probability - again.log10Probability) < 1e-6 * Double(original.words + 1))
        }
    }

    struct PeerInput: Encodable {
        var path: String
        var sentences: [String]
    }

    @Test("The PyPI arpa reader gives our sentence probabilities", .requiresPythonPeer)
    func peerReadsOurFile() async throws {
        let model = try Self.trained.get()
        let file = FileManager.default.temporaryDirectory.appendingPathComponent(
            "ngram-\(UUID().uuidString).arpa")
        defer { try? FileManager.default.removeItem(at: file) }
        try ARPAFormat.write(model).write(to: file, atomically: true, encoding: .utf8)
        let peer = try await PythonPeer.run(
            code: """
                import json, sys, arpa
                request = json.load(sys.stdin)
                [lm] = arpa.loadf(request["path"])
                json.dump({"order": lm.order(), "counts": [c for _, c in lm.counts()],
                           "log10": [lm.log_s(s) for s in request["sentences"]]}, sys.stdout)
                """,
            json: PeerInput(path: file.path, sentences: Self.heldOut), as: PeerOutput.self)
        #expect(peer.order == 3 && peer.counts == model.counts)
        try #require(peer.log10.count == Self.heldOut.count)
        for (sentence, theirs) in zip(Self.heldOut, peer.log10) {
            let ours = model.score(sentence: sentence).log10Probability
            #expect(abs(ours - theirs) < 1e-5, "\(sentence): ours \(ours), arpa \(theirs)")
        }
    }

    struct PeerOutput: Decodable {
        var order: Int
        var counts: [Int]
        var log10: [Double]
    }

    @Test(
        "Malformed files fail with the line and what is wrong",
        arguments: [
            ("ngram 1=1\n", "no \\data\\ header"),
            (
                "\\data\\\nngram 1=4\n\n\\1-grams:\n-1\t<s>\n-1\t</s>\n-1\t<unk>\n\\end\\\n",
                "announces 4 1-grams"
            ),
            ("\\data\\\nngram 1=3\n\n\\1-grams:\n-1\t<s>\n-x\t</s>\n-1\t<unk>\n\\end\\\n", "ARPA line 6"),
            ("\\data\\\nngram 1=2\n\n\\1-grams:\n-1\t<s>\n-1\t</s>\n\\end\\\n", "no <unk> unigram"),
            (
                "\\data\\\nngram 1=3\nngram 2=1\n\n\\1-grams:\n-1\t<s>\n-1\t</s>\n-1\t<unk>\n\n\\2-grams:\n-1\t<s> w\n\\end\\\n",
                "ARPA line 11: the word \"w\" has no unigram"
            ),
            ("\\data\\\nngram 1=3\n\n\\1-grams:\n-1\t<s>\n-1\t</s>\n-1\t<unk>\n", "ends before \\end\\"),
        ])
    func malformed(text: String, message: String) throws {
        let error = #expect(throws: NGramError.self) { try ARPAFormat.read(text) }
        #expect(error?.message.contains(message) == true, "\(error?.message ?? "no error")")
    }

    @Test("A file written by another tool (comments, spaces, backoffs on every n-gram) reads")
    func foreignFile() throws {
        let text = """
            written by hand
            \\data\\
            ngram 1=4
            ngram 2=2

            \\1-grams:
            -99 <s> -0.30103
            -0.30103 </s> 0
            -1 <unk>
            -0.5 a -0.2

            \\2-grams:
            -0.1 <s> a
            -0.4 a </s>

            \\end\\
            """
        let model = try ARPAFormat.read(text)
        let score = model.score(sentence: "a")
        #expect(abs(score.log10Probability - (-0.1 - 0.4)) < 1e-12)
        // "zzz" is <unk>: backoff of <s>, then the <unk> unigram; then </s> after <unk> is a unigram.
        #expect(abs(model.score(sentence: "zzz").log10Probability - (-0.30103 - 1 - 0.30103)) < 1e-12)
    }
}
