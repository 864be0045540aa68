/// A partial path through a ``ConfusionLattice`` with its accumulated scores.
struct LatticePath: Sendable {
    var words: [String]
    var acoustic: Double
    var lm: Double
    var total: Double
    var errors: Int
    var text: String { words.joined(separator: " ") }
}

/// Forward k-best search over a confusion lattice: for every node the `k` best distinct
/// word sequences reaching it.
///
/// Paths with the same words (reached through different arcs) are merged, keeping the best,
/// so the lists are distinct hypotheses as a decoder's N-best would be.
enum KBestDecoder {
    /// The k-best paths into every node `0...n`.
    static func decode(
        _ lattice: ConfusionLattice, k: Int, shift: Double, lmWeight: Double
    ) -> [[LatticePath]] {
        let count = lattice.referenceWords.count
        var best: [[LatticePath]] = [[LatticePath(words: [], acoustic: 0, lm: 0, total: 0, errors: 0)]]
        for node in stride(from: 1, through: count, by: 1) {
            best.append(
                extend(best, into: node, arcs: lattice.arcsInto[node], k: k, shift: shift, lmWeight: lmWeight)
            )
        }
        return best
    }

    /// The k best distinct paths into `node` from the lists of earlier nodes through `arcs`,
    /// each arc's acoustic score adjusted by `extraNoise` (by arc index) when given.
    static func extend(
        _ best: [[LatticePath]], into node: Int, arcs: [LatticeArc], k: Int, shift: Double, lmWeight: Double,
        extraNoise: [Double]? = nil
    ) -> [LatticePath] {
        var candidates: [LatticePath] = []
        for (index, arc) in arcs.enumerated() {
            let acoustic = arc.acoustic(shift: shift) + (extraNoise?[index] ?? 0)
            for path in best[arc.from] {
                let newAcoustic = path.acoustic + acoustic
                let newLM = path.lm + arc.lm
                candidates.append(
                    LatticePath(
                        words: path.words + arc.words, acoustic: newAcoustic, lm: newLM,
                        total: newAcoustic + lmWeight * newLM, errors: path.errors + arc.errors))
            }
        }
        candidates.sort { $0.total > $1.total }
        var seen: Set<[String]> = []
        var kept: [LatticePath] = []
        for candidate in candidates where kept.count < k {
            if seen.insert(candidate.words).inserted { kept.append(candidate) }
        }
        return kept
    }
}
