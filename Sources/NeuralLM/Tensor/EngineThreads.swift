import COpenBLAS
import Synchronization

/// The one number that says how many threads the LM engine may use.
///
/// OpenBLAS's matrix products and the engine's own kernels between them (attention, LayerNorm,
/// GELU, the head's softmax, dropout, AdamW) share it, so `BLAS.setThreadCount(2)` puts both cores
/// on every part of a pass, and a compute pool that runs one engine per core sets 1 and gets
/// neither BLAS threads nor kernel threads. OpenBLAS keeps the value: it honours
/// `OPENBLAS_NUM_THREADS` and defaults to the machine's cores, and nothing can drift apart.
public enum EngineThreads {
    /// Serialises changes of the count with `withCount` scopes, so a scope sees its own count.
    private static let changes = Mutex<Void>(())

    /// Threads the engine may use now (at least 1).
    public static var count: Int { max(1, Int(openblas_get_num_threads())) }

    /// Sets the count for OpenBLAS and the engine's kernels; results do not depend on it.
    ///
    /// A count below 1 is passed on as before this type existed: OpenBLAS then keeps its pool
    /// size (the machine's cores), and `count` reports that.
    public static func setCount(_ count: Int) {
        changes.withLock { _ in openblas_set_num_threads(Int32(clamping: count)) }
    }

    /// Runs `body` with the count set to `count`, restoring the previous count afterwards.
    ///
    /// Other changes wait until `body` returns, so a comparison of thread counts (a test, a
    /// benchmark) really ran at the count it names even while other code sets counts concurrently.
    static func withCount<Result>(_ count: Int, _ body: () throws -> Result) rethrows -> Result {
        precondition(count >= 1, "thread count \(count) must be at least 1")
        return try changes.withLock { _ in
            let previous = Self.count
            openblas_set_num_threads(Int32(count))
            defer { openblas_set_num_threads(Int32(previous)) }
            return try body()
        }
    }
}
