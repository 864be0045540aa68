import COpenBLAS

/// Thin wrappers over OpenBLAS's row-major single-precision routines.
///
/// Every matrix product of the engine goes through `gemm`, so the whole model runs at the
/// machine's sgemm rate and thread count is controlled in one place.
public enum BLAS {
    /// Sets the engine's thread count (`EngineThreads`): OpenBLAS's and the kernels' between the
    /// matrix products. Results are bit-identical whatever the count.
    public static func setThreadCount(_ count: Int) {
        EngineThreads.setCount(count)
    }

    /// The engine's thread count (`EngineThreads.count`).
    public static var threadCount: Int { EngineThreads.count }

    /// The granularity of inner dimensions OpenBLAS sums the same way at every thread count.
    ///
    /// OpenBLAS 0.3.21 cuts an inner dimension longer than its block size (`GEMM_Q`, 320 for
    /// sgemm here) into blocks, and its single- and multi-threaded drivers round those blocks
    /// differently when k is not a multiple of 32: such a k above 320 gives other floats at 1 and
    /// at 2 threads, while every multiple of 32, and every k up to 320, gives the same ones
    /// (checked for every k up to 3,000 and sampled up to 6,100, several shapes). So `gemm` sums
    /// such a k as its largest multiple of 32 and then the remainder below 32: two calls at most
    /// and one extra pass over C, where blocks of 256 cost 5–10% of single-thread speed.
    static let innerGranule = 32

    /// Above this inner dimension a k that is not a multiple of `innerGranule` is split.
    static let innerSplitThreshold = 320

    /// C = alpha · op(A) · op(B) + beta · C for row-major matrices with leading dimensions.
    ///
    /// A long inner dimension that is not a multiple of `innerGranule` is summed in two calls (the
    /// multiple, then the remainder accumulating into C), so results do not depend on the thread
    /// count.
    ///
    /// - Parameters:
    ///   - m: rows of op(A) and C.
    ///   - n: columns of op(B) and C.
    ///   - k: columns of op(A), rows of op(B).
    @inline(__always)
    public static func gemm(
        transposeA: Bool = false, transposeB: Bool = false, m: Int, n: Int, k: Int, alpha: Float = 1,
        a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int, beta: Float = 0,
        c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        if m == 0 || n == 0 { return }
        let remainder = k > innerSplitThreshold ? k % innerGranule : 0
        let head = k - remainder
        func product(from start: Int, count: Int, beta: Float) {
            // op(A)'s columns start..<start+count, op(B)'s rows start..<start+count.
            let blockA = transposeA ? a + start * lda : a + start
            let blockB = transposeB ? b + start : b + start * ldb
            cblas_sgemm(
                CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                Int32(m), Int32(n), Int32(count), alpha, blockA, Int32(lda), blockB, Int32(ldb), beta, c,
                Int32(ldc))
        }
        product(from: 0, count: head, beta: beta)
        if remainder > 0 { product(from: head, count: remainder, beta: 1) }
    }

    /// C = alpha · op(A) · op(B) + beta · C on tensors, with the same dimensions and leading
    /// dimensions as the pointer form (so a call can use the first columns of a wider matrix, as
    /// truncated-rank adapters do).
    ///
    /// Checks that each operand's storage holds the rows it is read or written through, so a wrong
    /// leading dimension stops here rather than reading past the end.
    @inlinable
    public static func gemm(
        transposeA: Bool = false, transposeB: Bool = false, m: Int, n: Int, k: Int, alpha: Float = 1,
        a: Tensor, lda: Int, b: Tensor, ldb: Int, beta: Float = 0, c: inout Tensor, ldc: Int
    ) {
        if m == 0 || n == 0 { return }
        precondition(
            fits(a.count, rows: transposeA ? k : m, columns: transposeA ? m : k, leading: lda)
                && fits(b.count, rows: transposeB ? n : k, columns: transposeB ? k : n, leading: ldb)
                && fits(c.count, rows: m, columns: n, leading: ldc),
            "gemm operands too small for m \(m), n \(n), k \(k), lda \(lda), ldb \(ldb), ldc \(ldc)")
        a.withUnsafePointer { pa in
            b.withUnsafePointer { pb in
                c.withUnsafeMutablePointer { pc in
                    gemm(
                        transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
                        a: pa, lda: lda, b: pb, ldb: ldb, beta: beta, c: pc, ldc: ldc)
                }
            }
        }
    }

    /// Whether `count` elements hold a `rows`×`columns` matrix stored with leading dimension `leading`.
    @usableFromInline
    static func fits(_ count: Int, rows: Int, columns: Int, leading: Int) -> Bool {
        rows == 0 || columns == 0 || (columns <= leading && (rows - 1) * leading + columns <= count)
    }

    /// Matrix product of two matrix-shaped tensors with optional transposes: op(A) · op(B).
    public static func matmul(
        _ a: Tensor, _ b: Tensor, transposeA: Bool = false, transposeB: Bool = false
    ) -> Tensor {
        let m = transposeA ? a.columns : a.rows
        let k = transposeA ? a.rows : a.columns
        let n = transposeB ? b.rows : b.columns
        precondition(k == (transposeB ? b.columns : b.rows), "inner dimensions differ")
        var result = Tensor(zeros: [m, n])
        gemm(
            transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
            a: a, lda: a.columns, b: b, ldb: b.columns, c: &result, ldc: n)
        return result
    }
}
