/// What a compute pool is doing now and has done since it started.
///
/// Every submitted job ends in exactly one of `completed`, `failed`, `dropped` or `rejected`, so
/// tests and dashboards can tell work that was computed from work that was skipped.
public struct ComputePoolStatistics: Sendable, Hashable {
    /// Jobs waiting for a thread now.
    public var queued = 0
    /// Jobs being computed now.
    public var running = 0
    /// Jobs computed to the end (their work returned a value).
    public var completed = 0
    /// Jobs whose work threw, including work stopped early because its caller gave up.
    public var failed = 0
    /// Jobs that left the queue without running: cancelled or past their deadline.
    public var dropped = 0
    /// Jobs refused because the queue was full.
    public var rejected = 0
    /// Calls of the pool's work function (one per batch of jobs).
    public var passes = 0

    public init() {}

    /// No job waiting or running.
    public var isIdle: Bool { queued == 0 && running == 0 }
}
