import SeededRandom

/// A partial path through a ``ConfusionLattice`` with its accumulated scores.
///
/// Paths do not carry their words: a back pointer (predecessor node and index, arc taken)
/// lets the few paths that reach the output be spelled out, and an order-sensitive hash of the
/// word sequence lets equal sequences reached through different arcs be merged cheaply.
struct LatticePath: Sendable {
    var acoustic: Double
    var lm: Double
    var total: Double
    var wordCount: Int
    var wordsHash: UInt64
    /// Node of the predecessor path (−1 for the start).
    var previousNode: Int32
    /// Index of the predecessor in its node's list.
    var previousIndex: Int32
    /// Index of the arc taken, in the arc list the path was extended through.
    var arcIndex: Int32

    static let start = LatticePath(
        acoustic: 0, lm: 0, total: 0, wordCount: 0, wordsHash: 0, previousNode: -1, previousIndex: -1,
        arcIndex: -1)
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
        var best: [[LatticePath]] = [[.start]]
        best.reserveCapacity(count + 1)
        for node in stride(from: 1, through: count, by: 1) {
            best.append(
                extend(
                    best, lattice: lattice, into: node, arcs: lattice.arcsInto[node], k: k, shift: shift,
                    lmWeight: lmWeight))
        }
        return best
    }

    /// The k best distinct paths into `node` from the lists of earlier nodes through `arcs`,
    /// each arc's acoustic score adjusted by `extraNoise` (by arc index) when given.
    static func extend(
        _ best: [[LatticePath]], lattice: ConfusionLattice, into node: Int, arcs: [LatticeArc], k: Int,
        shift: Double,
        lmWeight: Double, extraNoise: [Double]? = nil
    ) -> [LatticePath] {
        var candidates: [LatticePath] = []
        candidates.reserveCapacity(arcs.count * k)
        for (arcIndex, arc) in arcs.enumerated() {
            let acoustic = arc.acoustic(shift: shift) + (extraNoise?[arcIndex] ?? 0)
            for (pathIndex, path) in best[arc.from].enumerated() {
                var hash = path.wordsHash
                for wordHash in arc.wordHashes { hash = extendHash(hash, wordHash) }
                let newAcoustic = path.acoustic + acoustic
                let newLM = path.lm + arc.lm
                candidates.append(
                    LatticePath(
                        acoustic: newAcoustic, lm: newLM, total: newAcoustic + lmWeight * newLM,
                        wordCount: path.wordCount + arc.words.count, wordsHash: hash,
                        previousNode: Int32(arc.from),
                        previousIndex: Int32(pathIndex), arcIndex: Int32(arcIndex)))
            }
        }
        candidates.sort { $0.total > $1.total }
        var keptByHash: [UInt64: [Int]] = [:]
        var kept: [LatticePath] = []
        kept.reserveCapacity(k)
        for candidate in candidates where kept.count < k {
            if let sameHash = keptByHash[candidate.wordsHash] {
                // Equal hashes almost always mean equal words; compare the words to be sure.
                let words = self.words(of: candidate, arcs: arcs, best: best, lattice: lattice)
                if sameHash.contains(where: {
                    self.words(of: kept[$0], arcs: arcs, best: best, lattice: lattice) == words
                }) {
                    continue
                }
            }
            keptByHash[candidate.wordsHash, default: []].append(kept.count)
            kept.append(candidate)
        }
        return kept
    }

    /// The words of a path whose last arc is `arcs[path.arcIndex]` and whose predecessors are in
    /// `best` (reached through `lattice.arcsInto`).
    static func words(
        of path: LatticePath, arcs: [LatticeArc], best: [[LatticePath]], lattice: ConfusionLattice
    ) -> [String] {
        var pieces: [[String]] = []
        var current = path
        var arcList = arcs
        while current.arcIndex >= 0 {
            pieces.append(arcList[Int(current.arcIndex)].words)
            let node = Int(current.previousNode)
            current = best[node][Int(current.previousIndex)]
            arcList = lattice.arcsInto[node]
        }
        return pieces.reversed().flatMap { $0 }
    }

    /// Order-sensitive combination of a sequence hash with the next word's hash: the first
    /// SplitMix64 draw seeded by their xor (its mixing function scatters nearby inputs).
    @inline(__always)
    static func extendHash(_ hash: UInt64, _ word: UInt64) -> UInt64 {
        var mixer = SplitMix64(seed: hash ^ word)
        return mixer.next()
    }
}
