/// Weighted edit distance between phone sequences, with costs from ``PhoneCosts``.
///
/// Because substitution costs come from a metric on articulatory features and insertions and
/// deletions have positive costs, the distance is itself a metric (symmetric, zero only for
/// identical sequences, triangle inequality), which makes length-bucket pruning sound.
public enum PhoneticDistance {
    /// The weighted edit distance between `a` and `b`.
    public static func distance(_ a: [Phone], _ b: [Phone]) -> Double {
        distance(a, b, bound: .infinity) ?? .infinity
    }

    /// The distance if it is at most `bound`, else `nil` (stops early once every cell of a
    /// row exceeds the bound).
    public static func distance(_ a: [Phone], _ b: [Phone], bound: Double) -> Double? {
        let costs = PhoneCosts.standard
        if a.isEmpty { return atMost(b.reduce(0) { $0 + costs.indel($1) }, bound) }
        if b.isEmpty { return atMost(a.reduce(0) { $0 + costs.indel($1) }, bound) }
        var previous = [Double](repeating: 0, count: b.count + 1)
        var current = previous
        for j in 0..<b.count { previous[j + 1] = previous[j] + costs.indel(b[j]) }
        for i in 0..<a.count {
            current[0] = previous[0] + costs.indel(a[i])
            var rowMinimum = current[0]
            for j in 0..<b.count {
                let substitute = previous[j] + costs.substitution(a[i], b[j])
                let delete = previous[j + 1] + costs.indel(a[i])
                let insert = current[j] + costs.indel(b[j])
                let value = min(substitute, delete, insert)
                current[j + 1] = value
                rowMinimum = min(rowMinimum, value)
            }
            if rowMinimum > bound + 1e-12 { return nil }
            swap(&previous, &current)
        }
        return atMost(previous[b.count], bound)
    }

    private static func atMost(_ value: Double, _ bound: Double) -> Double? {
        value <= bound + 1e-12 ? value : nil
    }
}
