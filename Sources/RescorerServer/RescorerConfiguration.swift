public import Foundation
public import Rescoring

/// How a `LanguageModelRescorer` spends its compute, and the largest request it accepts.
public struct RescorerConfiguration: Sendable, Hashable {
    /// Dedicated threads that run LM scoring (at least 1). Default: one per core.
    ///
    /// With more than one, run OpenBLAS single-threaded (`BLAS.setThreadCount(1)` or
    /// `OPENBLAS_NUM_THREADS=1`) so the threads do not oversubscribe the cores.
    public var computeThreads: Int
    /// Requests that may wait for a compute thread (at least 1); one more is refused at once with
    /// `RESOURCE_EXHAUSTED`. Default: 16 per compute thread.
    public var queueCapacity: Int
    /// Hypotheses and tokens one request may carry (`INVALID_ARGUMENT` above them).
    public var limits: RescoringLimits
    /// Requests waiting at the same moment (from any streams) that one LM pass may score
    /// together; the cost is hypothesis text in UTF-8 bytes. Default: up to 8 requests of 16 KiB
    /// in all (a larger request runs alone).
    public var batching: ComputeBatching
    /// Hypothesis text (UTF-8 bytes) of an LM pass (one request or a batch) above which freed heap
    /// memory is returned to the system after it. Default: 64 KiB (about 16,000 tokens).
    public var memoryTrimThresholdBytes: Int
    /// Bytes of LM state (key/value caches) kept for live partial lists of all `Rescore` streams,
    /// least recently used evicted first; 0 turns the reuse off. Default: 128 MiB (about 750
    /// hypotheses of 20 tokens on the released base model).
    public var partialStateBudgetBytes: Int

    public init(
        computeThreads: Int = ProcessInfo.processInfo.activeProcessorCount, queueCapacity: Int? = nil,
        limits: RescoringLimits = RescoringLimits(),
        batching: ComputeBatching = ComputeBatching(maximumJobs: 8, maximumCost: 16 * 1024),
        memoryTrimThresholdBytes: Int = 64 * 1024, partialStateBudgetBytes: Int = 128 << 20
    ) {
        self.computeThreads = max(1, computeThreads)
        self.queueCapacity = max(1, queueCapacity ?? 16 * max(1, computeThreads))
        self.limits = limits
        self.batching = batching
        self.memoryTrimThresholdBytes = memoryTrimThresholdBytes
        self.partialStateBudgetBytes = max(0, partialStateBudgetBytes)
    }
}
