import Dispatch
import Synchronization

/// Spreads the engine's work between matrix products over `EngineThreads.count` threads.
///
/// Work is cut into chunks whose boundaries come from the data (a fixed number of elements or
/// rows, one sequence), never from the thread count; each chunk writes only its own outputs and
/// runs the same arithmetic in the same order as a single thread would, so results are
/// bit-identical at every thread count. Threads take chunks from a shared counter (a core that
/// OpenBLAS's spinning worker still occupies simply takes fewer), through libdispatch's persistent
/// pool: no thread is created per call. Work below `minimumParallelWork` runs inline, so tiny
/// batches pay nothing for the hand-off.
enum ParallelChunks {
    /// Elements (or comparable scalar operations) below which waking a second thread costs more
    /// than it saves: a hand-off costs some microseconds, an element a fraction of a nanosecond.
    static let minimumParallelWork = 1 << 15

    /// Elements per chunk of flat element-wise work (64 KiB of floats, from a few microseconds for
    /// an addition to tens for GELU), taken from the counter with one atomic increment each; a
    /// multiple of 8 so SIMD loops see the same lanes as one long loop.
    static let chunkElements = 1 << 14

    /// Calls `body(chunk)` exactly once for every chunk in `0..<chunks`, on up to
    /// `EngineThreads.count` threads (the caller's among them) when `work` is large enough.
    ///
    /// - Parameters:
    ///   - chunks: number of independent chunks; `body` must not write what another chunk reads
    ///     or writes.
    ///   - work: estimate of the scalar operations of all chunks together.
    ///   - threads: thread budget (tests pass it explicitly).
    static func forEach(
        chunks: Int, work: Int, threads: Int = EngineThreads.count, _ body: (Int) -> Void
    ) {
        let workers = min(threads, chunks)
        if workers <= 1 || work < minimumParallelWork {
            for chunk in 0..<chunks { body(chunk) }
            return
        }
        let next = Atomic<Int>(0)
        withoutActuallyEscaping(body) { body in
            let shared = SharedBody(call: body)
            DispatchQueue.concurrentPerform(iterations: workers) { _ in
                for _ in 0..<chunks {
                    let chunk = next.wrappingAdd(1, ordering: .relaxed).oldValue
                    if chunk >= chunks { return }
                    shared.call(chunk)
                }
            }
        }
    }

    /// The caller's chunk body, handed to libdispatch's `@Sendable` closure.
    ///
    /// `@unchecked Sendable` is safe by `forEach`'s contract: chunks touch disjoint memory (no data
    /// race between threads), and `concurrentPerform` returns only after every chunk ran, so the
    /// body and the buffers it captures outlive all uses.
    private struct SharedBody: @unchecked Sendable {
        let call: (Int) -> Void
    }

    /// Calls `body(rows)` for consecutive row ranges of about `chunkElements` elements covering
    /// `0..<rows` of a `[rows, width]` buffer, in parallel as `forEach`.
    static func forEachRowRange(
        rows: Int, width: Int, threads: Int = EngineThreads.count, _ body: (Range<Int>) -> Void
    ) {
        let chunkRows = max(1, chunkElements / max(1, width))
        let chunks = (rows + chunkRows - 1) / chunkRows
        forEach(chunks: chunks, work: rows * width, threads: threads) { chunk in
            let start = chunk * chunkRows
            body(start..<min(rows, start + chunkRows))
        }
    }

    /// Calls `body(range)` for consecutive ranges of `chunkElements` elements covering
    /// `0..<count`, in parallel as `forEach`.
    static func forEachElementRange(
        count: Int, threads: Int = EngineThreads.count, _ body: (Range<Int>) -> Void
    ) {
        let chunks = (count + chunkElements - 1) / chunkElements
        forEach(chunks: chunks, work: count, threads: threads) { chunk in
            let start = chunk * chunkElements
            body(start..<min(count, start + chunkElements))
        }
    }

    /// Calls `body(columns)` for column ranges covering `0..<width` of a `[rows, width]` buffer,
    /// for reductions over rows (bias and LayerNorm weight gradients, embedding gradients).
    ///
    /// Each column is summed by one chunk in row order, exactly as one thread sums it, so these
    /// reductions need no partial sums at all. Ranges hold 32 columns (a whole number of SIMD
    /// lanes, and a cache line each row), whatever the thread count.
    static func forEachColumnRange(
        rows: Int, width: Int, threads: Int = EngineThreads.count, _ body: (Range<Int>) -> Void
    ) {
        let chunkColumns = 32
        let chunks = (width + chunkColumns - 1) / chunkColumns
        forEach(chunks: chunks, work: rows * width, threads: threads) { chunk in
            let start = chunk * chunkColumns
            body(start..<min(width, start + chunkColumns))
        }
    }
}
