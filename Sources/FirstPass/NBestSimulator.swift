import Foundation
import NBest
import Phonetics
import SeededRandom

/// Simulates a first-pass recogniser: reference sentence in, ranked N-best list out.
///
/// Each reference word offers competing arcs (keep, homophone or near-homophone substitution,
/// deletion, insertion of a short frequent word, split into two words, merge with the next
/// word). An arc's acoustic score is `−κ·distance + bias + σ·Gumbel`, its LM score the sum
/// of unigram log-probabilities of its words; a hypothesis's scores are sums over its arcs plus
/// an acoustic baseline, with total = acoustic + λ·LM, and the list holds the N best distinct
/// paths, sorted by total. With Gumbel noise the chance that an arc wins its position is the
/// softmax of its noise-free score over σ, so the simulator can solve, per utterance, the bias
/// shift of all error arcs that makes the expected 1-best WER equal to the target — the same
/// target for every utterance, or, with a difficulty dispersion, the target times the
/// utterance's own mean-one difficulty (see ``difficulty(utteranceID:)``).
///
/// Everything random comes from a SplitMix64 stream seeded by (seed, utterance id), so an
/// utterance's list does not depend on the order or concurrency of simulation.
public struct NBestSimulator: Sendable {
    public let model: PhoneticConfusionModel
    public let parameters: SimulatorParameters
    public let seed: UInt64

    public init(model: PhoneticConfusionModel, parameters: SimulatorParameters = .init(), seed: UInt64)
        throws(SimulationError)
    {
        try parameters.validate()
        self.model = model
        self.parameters = parameters
        self.seed = seed
    }

    /// The final N-best list for one reference sentence (normalised to lower-case words).
    public func simulate(
        reference: String, utteranceID: String, sessionID: String = "", sequenceNumber: UInt64 = 0
    ) -> NBestRecord {
        var decoded = decode(reference: reference, utteranceID: utteranceID)
        let list = finalList(
            &decoded, utteranceID: utteranceID, sessionID: sessionID, sequenceNumber: sequenceNumber)
        return NBestRecord(reference: decoded.lattice.referenceWords.joined(separator: " "), list: list)
    }

    /// Streaming results for one utterance: a partial list after each reference word but the
    /// last, then the final list, with consecutive sequence numbers from `firstSequenceNumber`.
    ///
    /// A partial hears its newest word with extra noise (the audio of that word is incomplete),
    /// so the next partial sometimes revises it. Stability is the probability that the top
    /// partial beats the runner-up (a logistic of their score gap over σ), 1 for the final list.
    public func stream(
        reference: String, utteranceID: String, sessionID: String = "", firstSequenceNumber: UInt64 = 0
    ) -> SimulatedStream {
        var decoded = decode(reference: reference, utteranceID: utteranceID)
        let count = decoded.lattice.referenceWords.count
        var lists: [NBestList] = []
        var sequence = firstSequenceNumber
        if count > 1 {
            for node in 1..<count {
                let arcs = decoded.lattice.arcsInto[node]
                let extra = arcs.map { _ in
                    parameters.partialNoiseScale * ConfusionLattice.gumbel(&decoded.generator)
                }
                let paths = KBestDecoder.extend(
                    decoded.best, lattice: decoded.lattice, into: node, arcs: arcs, k: parameters.listSize,
                    shift: decoded.shift,
                    lmWeight: parameters.lmWeight, extraNoise: extra)
                let hypotheses = paths.map {
                    hypothesis(
                        $0,
                        words: KBestDecoder.words(
                            of: $0, arcs: arcs, best: decoded.best, lattice: decoded.lattice),
                        baseline: decoded.lattice.baseline * Double(node) / Double(count))
                }
                let stability: Double
                if hypotheses.count >= 2 {
                    let gap = hypotheses[0].totalScore - hypotheses[1].totalScore
                    stability = 1 / (1 + Foundation.exp(-gap / parameters.noiseScale))
                } else {
                    stability = 1
                }
                lists.append(
                    NBestList(
                        utteranceID: utteranceID, sessionID: sessionID, sequenceNumber: sequence,
                        kind: .partial,
                        stability: Float(stability), hypotheses: withConfidences(hypotheses)))
                sequence += 1
            }
        }
        let final = finalList(
            &decoded, utteranceID: utteranceID, sessionID: sessionID, sequenceNumber: sequence)
        lists.append(final)
        return SimulatedStream(
            reference: decoded.lattice.referenceWords.joined(separator: " "), lists: lists)
    }

    // MARK: - Decoding

    struct Decoded {
        var lattice: ConfusionLattice
        var best: [[LatticePath]]
        var shift: Double
        var generator: SplitMix64
    }

    func decode(reference: String, utteranceID: String) -> Decoded {
        var generator = SplitMix64(seed: seed, item: utteranceID)
        let words = WordFrequencies.words(in: reference)
        let lattice = ConfusionLattice(
            referenceWords: words, model: model, parameters: parameters, generator: &generator)
        let shift =
            parameters.targetWER.map {
                lattice.shift(
                    forTargetWER: min($0 * difficulty(utteranceID: utteranceID), 0.95), parameters: parameters
                )
            }
            ?? parameters.errorShift
        let best = KBestDecoder.decode(
            lattice, k: parameters.listSize * 2 + 2, shift: shift, lmWeight: parameters.lmWeight)
        return Decoded(lattice: lattice, best: best, shift: shift, generator: generator)
    }

    /// The utterance's difficulty: a multiplier of ``SimulatorParameters/targetWER`` with mean 1
    /// and variance ``SimulatorParameters/difficultyDispersion`` (1 when the dispersion is 0).
    ///
    /// Log-normal, exp(s·z − s²/2) with s² = ln(1 + dispersion), from a standard normal z drawn
    /// from a stream of its own, seeded by (seed, utterance id): the lattice's noise, and so every
    /// list at dispersion 0, is untouched, and z is the same at every dispersion, so the lists
    /// change smoothly with it (common random numbers, which the calibration fit relies on).
    func difficulty(utteranceID: String) -> Double {
        let dispersion = parameters.difficultyDispersion
        guard dispersion > 0 else { return 1 }
        var generator = SplitMix64(seed: seed, item: utteranceID + "\u{1F}difficulty")
        let u1 = max(generator.nextUnit(), 1e-300)
        let u2 = generator.nextUnit()
        let z = (-2 * Foundation.log(u1)).squareRoot() * Foundation.cos(2 * Double.pi * u2)
        let s = Foundation.log1p(dispersion).squareRoot()
        return Foundation.exp(s * z - s * s / 2)
    }

    private func finalList(
        _ decoded: inout Decoded, utteranceID: String, sessionID: String, sequenceNumber: UInt64
    ) -> NBestList {
        let lattice = decoded.lattice
        let pool = decoded.best[lattice.referenceWords.count]
        let arcs = lattice.arcsInto[lattice.referenceWords.count]
        var hypotheses = pool.prefix(parameters.listSize + 1).map {
            hypothesis(
                $0, words: KBestDecoder.words(of: $0, arcs: arcs, best: decoded.best, lattice: lattice),
                baseline: lattice.baseline)
        }
        let referenceText = lattice.referenceWords.joined(separator: " ")
        var size = parameters.listSize
        if let rate = parameters.referenceInListRate, hypotheses.first?.text != referenceText, size >= 2 {
            let wanted = decoded.generator.nextUnit() < rate
            let index = hypotheses.prefix(size).firstIndex { $0.text == referenceText }
            if wanted, index == nil {
                hypotheses.removeAll { $0.text == referenceText }
                let rank = drawRank(maximum: min(size, hypotheses.count + 1), generator: &decoded.generator)
                hypotheses.insert(referenceHypothesis(lattice, between: hypotheses, rank: rank), at: rank - 1)
            } else if !wanted, let index {
                hypotheses.remove(at: index)
            } else if !wanted {
                hypotheses.removeAll { $0.text == referenceText }
            }
        }
        size = min(size, hypotheses.count)
        return NBestList(
            utteranceID: utteranceID, sessionID: sessionID, sequenceNumber: sequenceNumber, kind: .final,
            stability: 1, hypotheses: withConfidences(Array(hypotheses.prefix(size))))
    }

    /// A rank in `2...maximum` with probability ∝ decay^(rank−2).
    private func drawRank(maximum: Int, generator: inout SplitMix64) -> Int {
        guard maximum > 2 else { return 2 }
        let weights = (2...maximum).map { Foundation.pow(parameters.referenceRankDecay, Double($0 - 2)) }
        var draw = generator.nextUnit() * weights.reduce(0, +)
        for (offset, weight) in weights.enumerated() {
            draw -= weight
            if draw < 0 { return offset + 2 }
        }
        return maximum
    }

    /// The reference as a hypothesis placed at `rank`: its LM score and keep-arc acoustics are
    /// genuine; its acoustic evidence is raised (the speaker was clearer than the noise draw)
    /// just enough to sit between its neighbours, keeping total = acoustic + λ·LM.
    private func referenceHypothesis(_ lattice: ConfusionLattice, between others: [Hypothesis], rank: Int)
        -> Hypothesis
    {
        var lm = 0.0
        for arcs in lattice.arcsFrom {
            if let keep = arcs.first(where: { $0.kind == .keep }) { lm += keep.lm }
        }
        let above = others[rank - 2].totalScore
        let total =
            rank - 1 < others.count
            ? (above + others[rank - 1].totalScore) / 2 : above - parameters.noiseScale
        return Hypothesis(
            text: lattice.referenceWords.joined(separator: " "), totalScore: total,
            acousticScore: total - parameters.lmWeight * lm, lmScore: lm)
    }

    private func hypothesis(_ path: LatticePath, words: [String], baseline: Double) -> Hypothesis {
        let acoustic = baseline + path.acoustic
        return Hypothesis(
            text: words.joined(separator: " "), totalScore: acoustic + parameters.lmWeight * path.lm,
            acousticScore: acoustic,
            lmScore: path.lm)
    }

    /// Sets each hypothesis's confidence to its softmax posterior over the list at temperature σ.
    private func withConfidences(_ hypotheses: [Hypothesis]) -> [Hypothesis] {
        guard let top = hypotheses.first?.totalScore else { return hypotheses }
        let weights = hypotheses.map { Foundation.exp(($0.totalScore - top) / parameters.noiseScale) }
        let sum = weights.reduce(0, +)
        return zip(hypotheses, weights).map { hypothesis, weight in
            var hypothesis = hypothesis
            hypothesis.confidence = weight / sum
            return hypothesis
        }
    }
}
