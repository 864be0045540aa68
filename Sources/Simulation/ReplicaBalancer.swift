/// How a run spreads utterances over rescorer replicas.
public enum BalancingPolicy: String, Sendable, Hashable, CaseIterable {
    /// Each replica in turn (skipping those down or with a full window).
    case roundRobin = "round-robin"
    /// The replica with the fewest unanswered utterances (ties in turn).
    case leastOutstanding = "least-outstanding"
}

/// Chooses the replica for the next utterance, from which replicas are up and how many
/// unanswered utterances each holds.
///
/// A window caps the unanswered utterances per replica: it bounds what failover must resend and
/// keeps a fast replica from being handed the whole run while a slow one idles.
public struct ReplicaBalancer: Sendable {
    public let policy: BalancingPolicy
    public let window: Int
    public private(set) var isUp: [Bool]
    public private(set) var outstanding: [Int]
    private var cursor = 0

    public init(replicas: Int, policy: BalancingPolicy, window: Int) {
        self.policy = policy
        self.window = max(window, 1)
        isUp = Array(repeating: false, count: replicas)
        outstanding = Array(repeating: 0, count: replicas)
    }

    public var replicaCount: Int { isUp.count }
    public var anyUp: Bool { isUp.contains(true) }

    public mutating func markUp(_ replica: Int) {
        isUp[replica] = true
        outstanding[replica] = 0
    }

    /// The replica is gone: its unanswered utterances are the caller's to resend.
    public mutating func markDown(_ replica: Int) {
        isUp[replica] = false
        outstanding[replica] = 0
    }

    /// The replica for the next utterance (counted as outstanding there), or nil when every
    /// replica is down or at its window.
    public mutating func pick() -> Int? {
        let count = isUp.count
        let order = (0..<count).map { (cursor + $0) % count }
        let open = order.filter { isUp[$0] && outstanding[$0] < window }
        let chosen: Int?
        switch policy {
        case .roundRobin: chosen = open.first
        case .leastOutstanding: chosen = open.min { outstanding[$0] < outstanding[$1] }
        }
        guard let chosen else { return nil }
        outstanding[chosen] += 1
        cursor = (chosen + 1) % count
        return chosen
    }

    /// An utterance assigned to `replica` was answered.
    public mutating func answered(_ replica: Int) {
        if outstanding[replica] > 0 { outstanding[replica] -= 1 }
    }
}
