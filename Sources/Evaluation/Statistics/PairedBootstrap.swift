import SeededRandom

/// Paired bootstrap over utterances: resample utterances with replacement, recompute statistics.
///
/// Data are per-utterance additive columns (error counts of each system, reference word counts,
/// flip indicators...). A statistic is a function of the column totals, e.g. WER_A = e_A / N or
/// WERR = (e_B/N − e_A/N) / (e_B/N). Every statistic of one call sees the same resampled
/// utterances, which is what makes the comparison paired: utterance difficulty cancels out.
public struct PairedBootstrap: Sendable {
    /// A statistic of the column totals; `nil` where undefined (e.g. zero denominator).
    public typealias Statistic = @Sendable ([Double]) -> Double?

    public let settings: BootstrapSettings

    public init(settings: BootstrapSettings = .standard) {
        self.settings = settings
    }

    /// Confidence intervals of `statistics` over `columns` (each column one value per utterance).
    public func intervals(columns: [[Double]], statistics: [Statistic]) throws -> [ConfidenceInterval] {
        try settings.validate()
        guard let count = columns.first?.count, count > 0 else {
            throw EvaluationError(.emptyInput, "bootstrap needs at least one utterance")
        }
        if let bad = columns.firstIndex(where: { $0.count != count }) {
            throw EvaluationError(
                .mismatchedLengths,
                "bootstrap column \(bad) has \(columns[bad].count) values, expected \(count)")
        }
        let totals = columns.map { $0.reduce(0, +) }
        let estimates = statistics.map { $0(totals) }
        var values = [[Double]](repeating: [], count: statistics.count)
        for slot in values.indices { values[slot].reserveCapacity(settings.resamples) }
        // Row-major copy (one row per utterance) so a drawn utterance adds one contiguous row.
        let width = columns.count
        var rows = [Double](repeating: 0, count: count * width)
        for (slot, column) in columns.enumerated() {
            for index in 0..<count { rows[index * width + slot] = column[index] }
        }
        let totalsPerResample = Self.resampledTotals(
            rows: rows, width: width, count: count, resamples: settings.resamples, seed: settings.seed)
        for resample in 0..<settings.resamples {
            let resampled = Array(totalsPerResample[(resample * width)..<((resample + 1) * width)])
            for (slot, statistic) in statistics.enumerated() {
                if let value = statistic(resampled), value.isFinite { values[slot].append(value) }
            }
        }
        return statistics.indices.map { slot in
            ConfidenceInterval.percentile(
                estimate: estimates[slot], values: values[slot], confidence: settings.confidence,
                resamples: settings.resamples)
        }
    }

    /// Column totals of every resample, flattened (resample-major), from one seeded generator.
    private static func resampledTotals(rows: [Double], width: Int, count: Int, resamples: Int, seed: UInt64)
        -> [Double]
    {
        var generator = SplitMix64(seed: seed)
        var totals = [Double](repeating: 0, count: resamples * width)
        rows.withUnsafeBufferPointer { rows in
            totals.withUnsafeMutableBufferPointer { totals in
                for resample in 0..<resamples {
                    let base = resample * width
                    for _ in 0..<count {
                        let row = generator.next(below: count) * width
                        for slot in 0..<width { totals[base + slot] += rows[row + slot] }
                    }
                }
            }
        }
        return totals
    }
}
