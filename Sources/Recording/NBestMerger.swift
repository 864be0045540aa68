public import NBest

/// Turns the decoder's paths into an N-best list: fillers dropped, identical strings merged.
///
/// pocketsphinx's A* list repeats strings that differ only in fillers or pronunciation variants,
/// is not strictly sorted, and may miss the best-path 1-best; so the 1-best is always kept first
/// and the other distinct strings follow, best total first.
public enum NBestMerger {
    /// Filler tokens (`<sil>`, `<s>`, `[NOISE]`, `++BREATH++`) and pronunciation variants
    /// (`word(2)`) removed, words joined by single spaces.
    public static func normalizedText(_ text: String) -> String {
        text.split(separator: " ").compactMap { token -> Substring? in
            guard let first = token.first, !"<[+".contains(first) else { return nil }
            if token.hasSuffix(")"), let open = token.lastIndex(of: "(") { return token[..<open] }
            return token
        }.joined(separator: " ")
    }

    /// Merges `paths` into at most `limit` hypotheses, the decoder's 1-best first.
    ///
    /// For each distinct string the best-scored copy is kept; a string equal to the 1-best's
    /// merges into it (the 1-best keeps its best total).
    public static func merge(_ paths: [PocketSphinxDecoder.Path], limit: Int) -> [Hypothesis] {
        var best: [String: PocketSphinxDecoder.Path] = [:]
        var order: [String] = []
        var decoderBest: String?
        for path in paths {
            let text = normalizedText(path.text)
            if path.isDecoderBest, decoderBest == nil { decoderBest = text }
            if let kept = best[text] {
                if path.totalScore > kept.totalScore { best[text] = path }
            } else {
                best[text] = path
                order.append(text)
            }
        }
        var ranked = order.filter { $0 != decoderBest }.sorted {
            best[$0]!.totalScore != best[$1]!.totalScore
                ? best[$0]!.totalScore > best[$1]!.totalScore
                : order.firstIndex(of: $0)! < order.firstIndex(of: $1)!
        }
        if let decoderBest { ranked.insert(decoderBest, at: 0) }
        return ranked.prefix(max(limit, 0)).map { text in
            let path = best[text]!
            return Hypothesis(
                text: text, totalScore: path.totalScore, acousticScore: path.acousticScore,
                lmScore: path.lmScore)
        }
    }
}
