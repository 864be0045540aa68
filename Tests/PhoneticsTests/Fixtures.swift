import NBest
import SeededRandom

@testable import Phonetics

/// A small synthetic dictionary and corpus shared by the Phonetics tests.
enum Fixtures {
    static let dictionary = """
        ;;; synthetic test dictionary
        bat B AE T
        pat P AE T
        sat S AE T
        cat K AE T
        there DH EH R
        their DH EH R
        they're DH EH R
        to T UW
        too T UW
        two T UW
        the DH AH
        the(2) DH IY
        went W EH N T
        we W IY
        wee W IY
        see S IY
        sea S IY
        new N UW
        knew N UW
        ate EY T
        eight EY T
        by B AY
        buy B AY
        bye B AY
        sun S AH N
        son S AH N
        """

    static let corpus = """
        there was a bat and a cat. their son went to see the sea.
        two of them knew they're new. we ate eight pies to buy by the sun, bye.
        too wee pat sat there there the the to to
        """

    static var lexicon: Lexicon { try! Lexicon(parsing: dictionary) }
    static var frequencies: WordFrequencies { WordFrequencies(countingWordsIn: corpus) }
    static var homophones: HomophoneIndex { HomophoneIndex(lexicon: lexicon, frequencies: frequencies) }

    /// Random sentences over the fixture vocabulary, as N-best lists of `count` hypotheses.
    static func lists(_ listCount: Int, hypotheses: Int, words: Int, seed: UInt64) -> [NBestList] {
        let vocabulary = lexicon.entries.keys.sorted()
        var generator = SplitMix64(seed: seed)
        return (0..<listCount).map { listIndex in
            var texts: [String] = []
            while texts.count < hypotheses {
                let text = (0..<words).map { _ in vocabulary[Int(generator.next() % UInt64(vocabulary.count))]
                }
                .joined(separator: " ")
                if !texts.contains(text) { texts.append(text) }
            }
            let hyps = texts.enumerated().map { rank, text in
                Hypothesis(
                    text: text, totalScore: -Double(rank) - 10, acousticScore: -Double(rank) - 5, lmScore: -5)
            }
            return NBestList(utteranceID: "utt-\(listIndex)", hypotheses: hyps)
        }
    }
}
