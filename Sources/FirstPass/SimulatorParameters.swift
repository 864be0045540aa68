/// The knobs of the first-pass N-best simulator.
///
/// Error rates are not set directly: every reference word offers competing arcs (keep,
/// substitute, delete, insert after, split, merge with the next word) whose scores add a
/// phonetic penalty, an LM score, a per-kind bias and Gumbel noise. The biases set the *mix* of
/// error kinds; a per-utterance shift of all error biases is solved so the expected 1-best WER
/// equals ``targetWER`` (see ``NBestSimulator``), or, with a ``difficultyDispersion``, the
/// target scaled by the utterance's own difficulty.
public struct SimulatorParameters: Sendable, Hashable, Codable {
    /// Hypotheses per list (N ≥ 1).
    public var listSize: Int = 10
    /// Expected 1-best word error rate per utterance, in [0, 0.95]; `nil` uses
    /// ``errorShift`` unchanged.
    public var targetWER: Double? = 0.1
    /// Variance of a per-utterance difficulty multiplier of ``targetWER`` (≥ 0; 0 = every
    /// utterance aims at the same WER, the behaviour before this field existed).
    ///
    /// Real recognisers are bursty: at 24% WER PocketSphinx gets about a fifth of the Austen
    /// utterances entirely right and others badly wrong, while one target for every sentence
    /// leaves almost none error-free. Each utterance draws a log-normal multiplier with mean 1
    /// and this variance from its own seeded stream, so the corpus WER stays at the target while
    /// easy utterances come out error-free and hard ones get many errors.
    public var difficultyDispersion: Double = 0
    /// Bias added to every error arc when ``targetWER`` is `nil`.
    public var errorShift: Double = -4
    /// Acoustic penalty per unit of phonetic distance from the reference (κ).
    public var acousticScale: Double = 6
    /// Scale of the Gumbel noise on every arc (σ > 0): acoustic ambiguity, list diversity.
    public var noiseScale: Double = 1
    /// LM weight λ in total = acoustic + λ·LM.
    public var lmWeight: Double = 0.5
    /// Relative bias of substitution arcs (the other biases are relative to it).
    public var substitutionBias: Double = 0
    /// Relative bias of deletion arcs. The defaults of the three relative biases and κ give
    /// about 73% substitutions, 16% deletions and 11% insertions on Austen prose (an insertion
    /// also pays the inserted word's LM and acoustic cost, hence its larger bias).
    public var deletionBias: Double = 1.5
    /// Relative bias of insertion arcs.
    public var insertionBias: Double = 4
    /// Relative bias of word split and merge arcs.
    public var splitMergeBias: Double = -1
    /// Largest phonetic distance of a near-homophone substitution candidate.
    public var maximumNeighborDistance: Double = 1.0
    /// Substitution candidates kept per word (best by phonetic closeness and frequency).
    public var candidatesPerWord: Int = 8
    /// Probability that the reference is in the list; `nil` leaves it to the scores.
    public var referenceInListRate: Double? = nil
    /// When the reference is forced into the list, its rank r ≥ 2 is drawn with probability
    /// proportional to `referenceRankDecay^(r-2)`.
    public var referenceRankDecay: Double = 0.5
    /// Acoustic baseline per reference phone (a realistic, negative log-likelihood scale).
    public var acousticPerPhone: Double = -6
    /// Extra Gumbel noise on the newest word of a streaming partial (drives revisions).
    public var partialNoiseScale: Double = 1.5

    public init() {}

    /// Checks every field, naming the first bad one.
    public func validate() throws(SimulationError) {
        func fail(_ message: String) -> SimulationError {
            SimulationError(code: .invalidParameter, message: message)
        }
        if listSize < 1 { throw fail("listSize must be ≥ 1, got \(listSize)") }
        if let wer = targetWER, !(0...0.95).contains(wer) {
            throw fail("targetWER must be in [0, 0.95], got \(wer)")
        }
        if !(difficultyDispersion >= 0) || !difficultyDispersion.isFinite {
            throw fail("difficultyDispersion must be ≥ 0 and finite, got \(difficultyDispersion)")
        }
        if difficultyDispersion > 0, targetWER == nil {
            throw fail("difficultyDispersion scales targetWER, which is nil (a fixed errorShift)")
        }
        if !(noiseScale > 0) || !noiseScale.isFinite {
            throw fail("noiseScale must be > 0, got \(noiseScale)")
        }
        if !(acousticScale >= 0) { throw fail("acousticScale must be ≥ 0, got \(acousticScale)") }
        if !(lmWeight >= 0) { throw fail("lmWeight must be ≥ 0, got \(lmWeight)") }
        if let rate = referenceInListRate, !(0...1).contains(rate) {
            throw fail("referenceInListRate must be in [0, 1], got \(rate)")
        }
        if !(0...1).contains(referenceRankDecay) { throw fail("referenceRankDecay must be in [0, 1]") }
        if candidatesPerWord < 0 { throw fail("candidatesPerWord must be ≥ 0") }
        if !(partialNoiseScale >= 0) { throw fail("partialNoiseScale must be ≥ 0") }
        for (name, value) in [
            ("errorShift", errorShift), ("substitutionBias", substitutionBias),
            ("deletionBias", deletionBias),
            ("insertionBias", insertionBias), ("splitMergeBias", splitMergeBias),
            ("maximumNeighborDistance", maximumNeighborDistance), ("acousticPerPhone", acousticPerPhone),
        ] where !value.isFinite {
            throw fail("\(name) must be finite")
        }
    }
}

extension SimulatorParameters {
    /// Decodes every field as the synthesized decoder would, except ``difficultyDispersion``,
    /// which parameter files written before it existed lack: they load with dispersion 0 and so
    /// simulate exactly what they did.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init()
        listSize = try container.decode(Int.self, forKey: .listSize)
        targetWER = try container.decodeIfPresent(Double.self, forKey: .targetWER)
        difficultyDispersion =
            try container.decodeIfPresent(Double.self, forKey: .difficultyDispersion) ?? 0
        errorShift = try container.decode(Double.self, forKey: .errorShift)
        acousticScale = try container.decode(Double.self, forKey: .acousticScale)
        noiseScale = try container.decode(Double.self, forKey: .noiseScale)
        lmWeight = try container.decode(Double.self, forKey: .lmWeight)
        substitutionBias = try container.decode(Double.self, forKey: .substitutionBias)
        deletionBias = try container.decode(Double.self, forKey: .deletionBias)
        insertionBias = try container.decode(Double.self, forKey: .insertionBias)
        splitMergeBias = try container.decode(Double.self, forKey: .splitMergeBias)
        maximumNeighborDistance = try container.decode(Double.self, forKey: .maximumNeighborDistance)
        candidatesPerWord = try container.decode(Int.self, forKey: .candidatesPerWord)
        referenceInListRate = try container.decodeIfPresent(Double.self, forKey: .referenceInListRate)
        referenceRankDecay = try container.decode(Double.self, forKey: .referenceRankDecay)
        acousticPerPhone = try container.decode(Double.self, forKey: .acousticPerPhone)
        partialNoiseScale = try container.decode(Double.self, forKey: .partialNoiseScale)
    }
}
