/// Word-level Levenshtein alignment with a full backtrace, reusing its buffers between calls.
///
/// Unit costs (substitution, deletion and insertion each cost 1). Among the many minimum-cost
/// alignments, the backtrace picks the same one as rapidfuzz's `Levenshtein.opcodes`, which jiwer
/// 4 uses, so our S/D/I/C counts equal jiwer's and sclite-style tables agree:
///
/// 1. The common prefix and the common suffix of the two word sequences are matched first
///    (counted correct), and only the middle is aligned by dynamic programming.
/// 2. In the middle, `D[i][j]` is the distance between the first `i` reference words and the
///    first `j` hypothesis words. Walking back from the end, at each cell the backtrace takes
///    - a **deletion** if `D[i][j] == D[i-1][j] + 1`, else
///    - an **insertion** if `D[i][j-1] == D[i-1][j-1] - 1`, else
///    - the **diagonal** (correct if the words are equal, otherwise a substitution).
///    Once one sequence is exhausted the rest are deletions or insertions.
///
/// The insertion test only fires when an insertion is strictly cheaper than entering the cell
/// diagonally with a substitution, so a substitution is always preferred to an insertion plus a
/// deletion at equal cost, as sclite and jiwer do.
///
/// Cost is O(n·m) time and O((n+1)·(m+1)) `Int32` cells of memory for the middle part; the table
/// is kept between calls, so scoring a corpus allocates only once per aligner. An aligner is a
/// value type: give each task its own.
public struct WordAligner: Sendable {
    /// One backtrace step by position: indices into the reference and hypothesis (-1 for none).
    public struct Step: Sendable, Hashable {
        public var operation: AlignedWord.Operation
        public var referenceIndex: Int32
        public var hypothesisIndex: Int32
    }

    private var table: [Int32] = []
    private var reversedSteps: [Step] = []
    /// Interns words for the text-level entry points.
    public private(set) var interner = WordInterner()

    public init() {}

    /// S/D/I/C counts of the alignment of two id sequences.
    public mutating func counts(reference: [Int32], hypothesis: [Int32]) -> ErrorCounts {
        run(reference, hypothesis, recordSteps: false)
    }

    /// The alignment steps (in reading order) and counts of two id sequences.
    public mutating func steps(reference: [Int32], hypothesis: [Int32]) -> (
        steps: [Step], counts: ErrorCounts
    ) {
        let counts = run(reference, hypothesis, recordSteps: true)
        return (Array(reversedSteps.reversed()), counts)
    }

    /// S/D/I/C counts of two texts split on spaces (apply a `TextNormalizer` first if needed).
    public mutating func counts(reference: String, hypothesis: String) -> ErrorCounts {
        let r = interner.ids(ofText: reference)
        let h = interner.ids(ofText: hypothesis)
        return counts(reference: r, hypothesis: h)
    }

    /// The full word alignment of two texts split on spaces.
    public mutating func align(reference: String, hypothesis: String) -> WordAlignment {
        let r = interner.ids(ofText: reference)
        let h = interner.ids(ofText: hypothesis)
        let (steps, counts) = steps(reference: r, hypothesis: h)
        let words = steps.map { step in
            AlignedWord(
                step.operation,
                reference: step.referenceIndex < 0 ? nil : interner.word(r[Int(step.referenceIndex)]),
                hypothesis: step.hypothesisIndex < 0 ? nil : interner.word(h[Int(step.hypothesisIndex)]))
        }
        return WordAlignment(words: words, counts: counts)
    }

    /// Aligns, filling `reversedSteps` (last step first) when `recordSteps` is set.
    private mutating func run(_ r: [Int32], _ h: [Int32], recordSteps: Bool) -> ErrorCounts {
        reversedSteps.removeAll(keepingCapacity: true)
        let n = r.count
        let m = h.count
        var prefix = 0
        while prefix < n, prefix < m, r[prefix] == h[prefix] { prefix += 1 }
        var suffix = 0
        while suffix < n - prefix, suffix < m - prefix, r[n - 1 - suffix] == h[m - 1 - suffix] {
            suffix += 1
        }
        var counts = ErrorCounts(correct: prefix + suffix)
        if recordSteps {
            for k in 0..<suffix {
                reversedSteps.append(
                    Step(
                        operation: .correct, referenceIndex: Int32(n - 1 - k),
                        hypothesisIndex: Int32(m - 1 - k)))
            }
        }
        let a = n - prefix - suffix
        let b = m - prefix - suffix
        if a > 0, b > 0 {
            fillTable(r, h, offset: prefix, a: a, b: b)
        }
        backtrace(r, h, offset: prefix, a: a, b: b, counts: &counts, recordSteps: recordSteps)
        if recordSteps {
            for k in stride(from: prefix - 1, through: 0, by: -1) {
                reversedSteps.append(
                    Step(operation: .correct, referenceIndex: Int32(k), hypothesisIndex: Int32(k)))
            }
        }
        return counts
    }

    /// Fills `D` for the middle parts `r[offset..<offset+a]` and `h[offset..<offset+b]`.
    private mutating func fillTable(_ r: [Int32], _ h: [Int32], offset: Int, a: Int, b: Int) {
        let width = b + 1
        let size = (a + 1) * width
        if table.count < size { table = [Int32](repeating: 0, count: size) }
        table.withUnsafeMutableBufferPointer { d in
            r.withUnsafeBufferPointer { rp in
                h.withUnsafeBufferPointer { hp in
                    for j in 0...b { d[j] = Int32(j) }
                    for i in 1...a {
                        let row = i * width
                        let above = row - width
                        let word = rp[offset + i - 1]
                        d[row] = Int32(i)
                        var left = Int32(i)
                        for j in 1...b {
                            let diagonal = d[above + j - 1] + (hp[offset + j - 1] == word ? 0 : 1)
                            let up = d[above + j] + 1
                            let value = min(diagonal, min(up, left + 1))
                            d[row + j] = value
                            left = value
                        }
                    }
                }
            }
        }
    }

    /// Walks back through the middle part, counting (and optionally recording) each step.
    private mutating func backtrace(
        _ r: [Int32], _ h: [Int32], offset: Int, a: Int, b: Int, counts: inout ErrorCounts, recordSteps: Bool
    ) {
        let width = b + 1
        var i = a
        var j = b
        func record(_ operation: AlignedWord.Operation, _ ri: Int, _ hj: Int) {
            if recordSteps {
                reversedSteps.append(
                    Step(
                        operation: operation,
                        referenceIndex: ri < 0 ? -1 : Int32(offset + ri),
                        hypothesisIndex: hj < 0 ? -1 : Int32(offset + hj)))
            }
        }
        while i > 0, j > 0 {
            let here = table[i * width + j]
            if here == table[(i - 1) * width + j] + 1 {
                counts.deletions += 1
                record(.deletion, i - 1, -1)
                i -= 1
            } else if table[i * width + j - 1] == table[(i - 1) * width + j - 1] - 1 {
                counts.insertions += 1
                record(.insertion, -1, j - 1)
                j -= 1
            } else {
                if r[offset + i - 1] == h[offset + j - 1] {
                    counts.correct += 1
                    record(.correct, i - 1, j - 1)
                } else {
                    counts.substitutions += 1
                    record(.substitution, i - 1, j - 1)
                }
                i -= 1
                j -= 1
            }
        }
        while i > 0 {
            counts.deletions += 1
            record(.deletion, i - 1, -1)
            i -= 1
        }
        while j > 0 {
            counts.insertions += 1
            record(.insertion, -1, j - 1)
            j -= 1
        }
    }
}
