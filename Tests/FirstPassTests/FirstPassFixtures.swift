import FirstPass
import NBest
import Phonetics
import SeededRandom

/// A small synthetic lexicon and corpus with homophones, near-homophones, splits and merges.
enum FirstPassFixtures {
    static let dictionary = """
        a AH
        a(2) EY
        the DH AH
        the(2) DH IY
        to T UW
        too T UW
        two T UW
        in IH N
        into IH N T UW
        inn IH N
        on AA N
        and AE N D
        an AE N
        of AH V
        is IH Z
        it IH T
        at AE T
        bat B AE T
        pat P AE T
        cat K AE T
        cut K AH T
        hat HH AE T
        there DH EH R
        their DH EH R
        where W EH R
        wear W EH R
        went W EH N T
        want W AA N T
        we W IY
        see S IY
        sea S IY
        new N UW
        knew N UW
        night N AY T
        knight N AY T
        right R AY T
        write R AY T
        light L AY T
        house HH AW S
        mouse M AW S
        some S AH M
        sum S AH M
        red R EH D
        read R EH D
        read(2) R IY D
        reed R IY D
        boat B OW T
        goat G OW T
        rain R EY N
        reign R EY N
        lane L EY N
        walk W AO K
        work W ER K
        they DH EY
        day D EY
        way W EY
        weigh W EY
        """

    static let sentences = [
        "the cat went into the house",
        "we knew the night was new",
        "their boat is in the rain",
        "write the red light on a boat",
        "they want to walk to the sea",
        "a knight and a mouse went there",
        "some day we read in the inn",
        "the goat is at the lane",
        "we see two hats and a bat",
        "where is the right way to work",
        "the cat went in to the house",
        "we walk on the lane in the rain",
    ]

    /// Counts: the sentences several times, plus a few rare words.
    static let corpus =
        (Array(repeating: sentences.joined(separator: ". "), count: 3) + [
            "too weigh wear cut pat hat reign reed sum sea knight write read sea pat hat",
            "wear cut reign reed sum an it is of the the the a a a and and to to to",
        ]).joined(separator: ". ")

    static let model = PhoneticConfusionModel(
        lexicon: try! Lexicon(parsing: dictionary), frequencies: WordFrequencies(countingWordsIn: corpus),
        minimumCount: 1, maximumDistance: 1.0, candidatesPerWord: 8)

    /// `count` random sentences of `length` words from the fixture corpus vocabulary.
    static func randomSentences(_ count: Int, length: Int, seed: UInt64) -> [String] {
        let vocabulary = Set(WordFrequencies.words(in: sentences.joined(separator: " "))).sorted()
        var generator = SplitMix64(seed: seed)
        return (0..<count).map { _ in
            (0..<length).map { _ in vocabulary[Int(generator.next() % UInt64(vocabulary.count))] }
                .joined(separator: " ")
        }
    }

    static func simulator(_ configure: (inout SimulatorParameters) -> Void = { _ in }, seed: UInt64 = 1)
        -> NBestSimulator
    {
        var parameters = SimulatorParameters()
        configure(&parameters)
        return try! NBestSimulator(model: model, parameters: parameters, seed: seed)
    }
}
