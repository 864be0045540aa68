/// How many queued jobs a compute thread may take at once to compute them in one pass.
///
/// When jobs from different streams wait at the same moment, one engine pass over all of them
/// runs larger matrix products than separate passes (closer to the machine's sgemm peak). A thread
/// never waits for a batch to fill: it takes what is queued when it becomes free, so batching adds
/// no latency at low load. The cost bound keeps one large job from being joined by others (it
/// always runs, alone if it alone exceeds the bound).
public struct ComputeBatching: Sendable, Hashable {
    /// Jobs per batch; 1 turns batching off.
    public var maximumJobs: Int
    /// Total cost (as the pool's cost function measures it) of the jobs a batch may join.
    public var maximumCost: Int

    public init(maximumJobs: Int, maximumCost: Int) {
        self.maximumJobs = max(1, maximumJobs)
        self.maximumCost = maximumCost
    }

    /// One job per pass.
    public static let off = ComputeBatching(maximumJobs: 1, maximumCost: .max)
}
