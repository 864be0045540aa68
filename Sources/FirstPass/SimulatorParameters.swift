/// The knobs of the first-pass N-best simulator.
///
/// Error rates are not set directly: every reference word offers competing arcs (keep,
/// substitute, delete, insert after, split, merge with the next word) whose scores add a
/// phonetic penalty, an LM score, a per-kind bias and Gumbel noise. The biases set the *mix* of
/// error kinds; a per-utterance shift of all error biases is solved so the expected 1-best WER
/// equals ``targetWER`` (see ``NBestSimulator``).
public struct SimulatorParameters: Sendable, Hashable, Codable {
    /// Hypotheses per list (N ≥ 1).
    public var listSize: Int = 10
    /// Expected 1-best word error rate per utterance, in [0, 0.95]; `nil` uses
    /// ``errorShift`` unchanged.
    public var targetWER: Double? = 0.1
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
