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
        var generator = SplitMix64(seed: settings.seed)
        // Multiplicity of each utterance in a resample; totals are then dot products per column.
        var multiplicity = [Double](repeating: 0, count: count)
        var resampled = [Double](repeating: 0, count: columns.count)
        for _ in 0..<settings.resamples {
            for index in multiplicity.indices { multiplicity[index] = 0 }
            for _ in 0..<count { multiplicity[generator.next(below: count)] += 1 }
            for (slot, column) in columns.enumerated() {
                var sum = 0.0
                for index in 0..<count { sum += column[index] * multiplicity[index] }
                resampled[slot] = sum
            }
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
}
