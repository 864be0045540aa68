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
        distance(codes: a.map { UInt8($0.index) }, b.map { UInt8($0.index) }, bound: bound)
    }

    /// ``distance(_:_:bound:)`` on phone indices (`Phone.index`), the form the indexes store,
    /// so a query scanning thousands of entries does no conversion.
    public static func distance(codes a: [UInt8], _ b: [UInt8], bound: Double) -> Double? {
        b.withUnsafeBufferPointer { distance(codes: a, $0, bound: bound) }
    }

    /// ``distance(codes:_:bound:)`` with the second sequence in borrowed memory (a slice of an
    /// index's flat code array).
    public static func distance(codes a: [UInt8], _ b: UnsafeBufferPointer<UInt8>, bound: Double) -> Double? {
        let costs = PhoneCosts.standard
        return costs.substitutionTable.withUnsafeBufferPointer { substitution in
            costs.indelTable.withUnsafeBufferPointer { indel in
                a.withUnsafeBufferPointer { a in
                    run(a, b, bound: bound, substitution: substitution, indel: indel)
                }
            }
        }
    }

    private static func run(
        _ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>, bound: Double,
        substitution: UnsafeBufferPointer<Double>, indel: UnsafeBufferPointer<Double>
    ) -> Double? {
        let limit = bound + 1e-12
        // Phone sequences are short; two rows on the stack-sized scratch avoid allocation.
        return withUnsafeTemporaryAllocation(of: Double.self, capacity: 2 * (b.count + 1)) { scratch in
            var previous = scratch.baseAddress!
            var current = previous + (b.count + 1)
            previous[0] = 0
            for j in 0..<b.count { previous[j + 1] = previous[j] + indel[Int(b[j])] }
            if a.isEmpty { return previous[b.count] <= limit ? previous[b.count] : nil }
            for i in 0..<a.count {
                let phone = Int(a[i])
                let row = phone &* 39
                let deleteCost = indel[phone]
                current[0] = previous[0] + deleteCost
                var rowMinimum = current[0]
                for j in 0..<b.count {
                    let other = Int(b[j])
                    let value = min(
                        previous[j] + substitution[row &+ other], previous[j + 1] + deleteCost,
                        current[j] + indel[other])
                    current[j + 1] = value
                    if value < rowMinimum { rowMinimum = value }
                }
                if rowMinimum > limit { return nil }
                swap(&previous, &current)
            }
            return previous[b.count] <= limit ? previous[b.count] : nil
        }
    }
}
