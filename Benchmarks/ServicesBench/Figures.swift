/// The figures of one run (or the medians of several); `Report` prints them.
struct Figures: Codable, Sendable {
    var engineHypothesesPerSecond = 0.0
    var serviceHypothesesPerSecond = 0.0
    var endToEndOneReplica = 0.0
    var endToEndTwoReplicas = 0.0
    var finalOnlyP50Ms = 0.0
    var finalOnlyP99Ms = 0.0
    var afterPartialsP50Ms = 0.0
    var afterPartialsP99Ms = 0.0
    var batchingHypothesesPerSecond = 0.0
    var batchingP50Ms = 0.0
    var batchingP99Ms = 0.0
    var noBatchingHypothesesPerSecond = 0.0
    var noBatchingP50Ms = 0.0
    var noBatchingP99Ms = 0.0

    var serviceOverEngine: Double { serviceHypothesesPerSecond / engineHypothesesPerSecond }
    var twoOverOneReplica: Double { endToEndTwoReplicas / endToEndOneReplica }
    var partialsSpeedupP50: Double { finalOnlyP50Ms / afterPartialsP50Ms }
    var batchingSpeedup: Double { batchingHypothesesPerSecond / noBatchingHypothesesPerSecond }

    /// Every figure the median over `runs`.
    static func median(_ runs: [Figures]) -> Figures {
        func m(_ value: KeyPath<Figures, Double>) -> Double {
            Statistics.median(runs.map { $0[keyPath: value] })
        }
        var result = Figures()
        let fields: [WritableKeyPath<Figures, Double>] = [
            \.engineHypothesesPerSecond, \.serviceHypothesesPerSecond, \.endToEndOneReplica,
            \.endToEndTwoReplicas, \.finalOnlyP50Ms, \.finalOnlyP99Ms, \.afterPartialsP50Ms,
            \.afterPartialsP99Ms, \.batchingHypothesesPerSecond, \.batchingP50Ms, \.batchingP99Ms,
            \.noBatchingHypothesesPerSecond, \.noBatchingP50Ms, \.noBatchingP99Ms,
        ]
        for field in fields { result[keyPath: field] = m(field) }
        return result
    }
}
