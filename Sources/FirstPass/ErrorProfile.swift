import Evaluation
import Foundation
public import Phonetics

/// The error profile of a set of N-best lists against their references: what a calibration
/// compares between a real decoder and the simulator.
///
/// Texts are normalised with `TextNormalizer.standard` before alignment. Shares of error kinds
/// are fractions of all 1-best word errors; rank shares are fractions of utterances.
public struct ErrorProfile: Sendable, Hashable, Codable {
    /// The list depths at which oracle WER is reported.
    public static let oracleDepths = [1, 2, 5, 10]
    /// Reference ranks tracked individually (1...maximumTrackedRank); deeper ranks are pooled.
    public static let maximumTrackedRank = 10

    public var utterances: Int
    public var referenceWords: Int
    public var meanListSize: Double
    /// 1-best word error rate.
    public var oneBestWER: Double
    public var substitutionShare: Double
    public var deletionShare: Double
    public var insertionShare: Double
    /// Share of 1-best errors that are substitutions by a homophone (a word sharing a
    /// pronunciation with the reference word).
    public var homophoneSubstitutionShare: Double
    /// Oracle WER over the first k hypotheses, for each k of ``oracleDepths``.
    public var oracleWER: [Double]
    /// Share of utterances whose reference is at rank r (index r−1), for r up to
    /// ``maximumTrackedRank``.
    public var referenceRankShares: [Double]
    /// Share of utterances whose reference is deeper than ``maximumTrackedRank``.
    public var referenceDeeperShare: Double
    /// Share of utterances whose reference is not in the list.
    public var referenceAbsentShare: Double
    /// Share of utterances whose 1-best has no word error. Real decoders are bursty (about a
    /// fifth of PocketSphinx's Austen utterances are error-free at 24% WER); a simulator that
    /// gives every utterance the same error rate leaves almost none.
    public var errorFreeShare: Double
    /// Standard deviation over utterances of the per-utterance 1-best WER (errors / reference
    /// words; utterances with an empty reference are left out): the spread of difficulty.
    public var perUtteranceWERSpread: Double

    /// Measures the profile of `records`, using `lexicon` to recognise homophone substitutions.
    public static func measure(_ records: [NBestRecord], lexicon: Lexicon) throws(SimulationError)
        -> ErrorProfile
    {
        if records.isEmpty {
            throw SimulationError(code: .invalidInput, message: "no N-best records to profile")
        }
        let normalizer = TextNormalizer.standard
        var aligner = WordAligner()
        var oneBest = ErrorCounts.zero
        var homophoneSubstitutions = 0
        var oracleErrors = [Int](repeating: 0, count: oracleDepths.count)
        var rankCounts = [Int](repeating: 0, count: maximumTrackedRank)
        var deeper = 0
        var absent = 0
        var hypothesisCount = 0
        var errorFree = 0
        var utteranceWERs: [Double] = []
        for record in records {
            let reference = normalizer.normalize(record.reference)
            let texts = record.list.hypotheses.map { normalizer.normalize($0.text) }
            hypothesisCount += texts.count
            var errorsByRank: [Int] = []
            for (rank, text) in texts.enumerated() {
                if rank == 0 {
                    let alignment = aligner.align(reference: reference, hypothesis: text)
                    oneBest += alignment.counts
                    errorsByRank.append(alignment.counts.errors)
                    if alignment.counts.errors == 0 { errorFree += 1 }
                    if alignment.counts.referenceWords > 0 {
                        utteranceWERs.append(
                            Double(alignment.counts.errors) / Double(alignment.counts.referenceWords))
                    }
                    for word in alignment.words where word.operation == .substitution {
                        if let r = word.reference, let h = word.hypothesis, sharePronunciation(r, h, lexicon)
                        {
                            homophoneSubstitutions += 1
                        }
                    }
                } else if rank < oracleDepths.last! {
                    errorsByRank.append(aligner.counts(reference: reference, hypothesis: text).errors)
                }
            }
            let referenceLength = reference.isEmpty ? 0 : reference.split(separator: " ").count
            for (index, depth) in oracleDepths.enumerated() {
                oracleErrors[index] += errorsByRank.prefix(depth).min() ?? referenceLength
            }
            if let rank = texts.firstIndex(of: reference) {
                if rank < maximumTrackedRank { rankCounts[rank] += 1 } else { deeper += 1 }
            } else {
                absent += 1
            }
        }
        let words = max(oneBest.referenceWords, 1)
        let errors = Double(max(oneBest.errors, 1))
        let utterances = Double(records.count)
        return ErrorProfile(
            utterances: records.count, referenceWords: oneBest.referenceWords,
            meanListSize: Double(hypothesisCount) / utterances,
            oneBestWER: Double(oneBest.errors) / Double(words),
            substitutionShare: Double(oneBest.substitutions) / errors,
            deletionShare: Double(oneBest.deletions) / errors,
            insertionShare: Double(oneBest.insertions) / errors,
            homophoneSubstitutionShare: Double(homophoneSubstitutions) / errors,
            oracleWER: oracleErrors.map { Double($0) / Double(words) },
            referenceRankShares: rankCounts.map { Double($0) / utterances },
            referenceDeeperShare: Double(deeper) / utterances,
            referenceAbsentShare: Double(absent) / utterances,
            errorFreeShare: Double(errorFree) / utterances,
            perUtteranceWERSpread: standardDeviation(utteranceWERs))
    }

    /// The population standard deviation of `values` (0 for fewer than two).
    static func standardDeviation(_ values: [Double]) -> Double {
        guard values.count > 1 else { return 0 }
        let mean = values.reduce(0, +) / Double(values.count)
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count)
        return variance.squareRoot()
    }

    /// Weighted squared difference to another profile, the loss minimised by calibration.
    ///
    /// WER terms are relative to the target's WER (floored at 0.02) so low-WER sets are
    /// matched as tightly as high-WER ones; shares are absolute.
    public func distance(to target: ErrorProfile) -> Double {
        let scale = max(target.oneBestWER, 0.02)
        var loss = 4 * pow((oneBestWER - target.oneBestWER) / scale, 2)
        for (a, b) in zip(oracleWER.dropFirst(), target.oracleWER.dropFirst()) {
            loss += pow((a - b) / scale, 2)
        }
        loss += pow(substitutionShare - target.substitutionShare, 2)
        loss += pow(deletionShare - target.deletionShare, 2)
        loss += pow(insertionShare - target.insertionShare, 2)
        loss += pow(homophoneSubstitutionShare - target.homophoneSubstitutionShare, 2)
        loss += pow(referenceRankShares[0] - target.referenceRankShares[0], 2)
        loss += pow(referenceAbsentShare - target.referenceAbsentShare, 2)
        // Burstiness, what the difficulty dispersion is fitted to: the error-free share weighs
        // twice a share of error kinds (the real-versus-simulated gap it closes is about 0.15),
        // and the spread of per-utterance WER four times, absolute rather than relative to the
        // WER: on 40 real Austen lists it separates real (21%) from flat simulated lists (12–15%)
        // more steadily than the error-free share, whose steps are whole utterances, without
        // outweighing the error mix on a few dozen short lists.
        loss += 2 * pow(errorFreeShare - target.errorFreeShare, 2)
        loss += 4 * pow(perUtteranceWERSpread - target.perUtteranceWERSpread, 2)
        return loss
    }

    /// A human-readable table, one figure per line.
    public func formatted() -> String {
        func percent(_ value: Double) -> String { String(format: "%6.2f%%", value * 100) }
        var lines = [
            "utterances               \(utterances)",
            "reference words          \(referenceWords)",
            String(format: "mean list size           %.2f", meanListSize),
            "1-best WER               \(percent(oneBestWER))",
            "  substitutions          \(percent(substitutionShare)) of errors",
            "  deletions              \(percent(deletionShare)) of errors",
            "  insertions             \(percent(insertionShare)) of errors",
            "  homophone subst.       \(percent(homophoneSubstitutionShare)) of errors",
            "error-free 1-best        \(percent(errorFreeShare)) of utterances",
            "per-utterance WER sd     \(percent(perUtteranceWERSpread))",
        ]
        for (depth, wer) in zip(Self.oracleDepths, oracleWER) {
            lines.append(
                "oracle WER@\(depth)\(String(repeating: " ", count: 14 - String(depth).count))\(percent(wer))"
            )
        }
        for (index, share) in referenceRankShares.enumerated() where share > 0 {
            lines.append(
                "reference at rank \(index + 1)\(String(repeating: " ", count: 7 - String(index + 1).count))\(percent(share))"
            )
        }
        if referenceDeeperShare > 0 {
            lines.append("reference deeper         \(percent(referenceDeeperShare))")
        }
        lines.append("reference absent         \(percent(referenceAbsentShare))")
        return lines.joined(separator: "\n")
    }

    private static func sharePronunciation(_ a: String, _ b: String, _ lexicon: Lexicon) -> Bool {
        let first = Set(lexicon.pronunciations(of: a).map(\.phones))
        return !first.isEmpty && lexicon.pronunciations(of: b).contains { first.contains($0.phones) }
    }
}
