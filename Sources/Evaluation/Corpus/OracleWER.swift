/// Oracle WER@k: the WER reachable if a perfect rescorer picked the best of the first k hypotheses.
///
/// For each utterance, the hypothesis with the fewest errors among the first k (all of them when
/// the list is shorter) is chosen; ties go to the earlier hypothesis. An empty list scores as an
/// empty hypothesis (all reference words deleted). Corpus oracle WER sums the chosen counts.
public struct OracleWER: Sendable, Hashable, Codable {
    public var k: Int
    public var summary: CorpusSummary

    public init(k: Int, summary: CorpusSummary) {
        self.k = k
        self.summary = summary
    }

    public var wordErrorRate: Double? { summary.wordErrorRate }
}

/// One utterance's reference and first-pass N-best texts, best first.
public struct NBestTexts: Sendable, Hashable, Codable {
    public var utteranceID: String
    public var reference: String
    public var hypotheses: [String]

    public init(utteranceID: String, reference: String, hypotheses: [String]) {
        self.utteranceID = utteranceID
        self.reference = reference
        self.hypotheses = hypotheses
    }
}

extension CorpusScorer {
    /// Oracle WER@k for every k in `ks` (each k ≥ 1), aligning each hypothesis once.
    public mutating func oracleWER(_ lists: [NBestTexts], ks: [Int]) throws -> [OracleWER] {
        if let bad = ks.first(where: { $0 < 1 }) {
            throw EvaluationError(.invalidParameter, "oracle WER@k needs k >= 1, got \(bad)")
        }
        var sums = [ErrorCounts](repeating: .zero, count: ks.count)
        var sentenceErrors = [Int](repeating: 0, count: ks.count)
        for list in lists {
            let hypotheses = list.hypotheses.isEmpty ? [""] : list.hypotheses
            let perHypothesis = hypotheses.map { counts(reference: list.reference, hypothesis: $0) }
            for (slot, k) in ks.enumerated() {
                var best = perHypothesis[0]
                for candidate in perHypothesis.prefix(k).dropFirst() where candidate.errors < best.errors {
                    best = candidate
                }
                sums[slot] += best
                if best.errors > 0 { sentenceErrors[slot] += 1 }
            }
        }
        return ks.indices.map { slot in
            OracleWER(
                k: ks[slot],
                summary: CorpusSummary(
                    utteranceCount: lists.count, counts: sums[slot], sentenceErrors: sentenceErrors[slot]))
        }
    }
}
