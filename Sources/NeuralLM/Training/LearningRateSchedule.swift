import Foundation

/// Linear warm-up followed by cosine or linear decay, evaluated per optimizer step.
public struct LearningRateSchedule: Codable, Sendable, Equatable {
    /// Shape of the decay after warm-up.
    public enum Decay: String, Codable, Sendable {
        case cosine
        case linear
        case constant
    }

    public var peak: Float
    public var warmupSteps: Int
    public var totalSteps: Int
    public var decay: Decay
    /// Final rate as a fraction of the peak.
    public var floorRatio: Float

    public init(
        peak: Float, warmupSteps: Int, totalSteps: Int, decay: Decay = .cosine, floorRatio: Float = 0.1
    ) {
        self.peak = peak
        self.warmupSteps = warmupSteps
        self.totalSteps = totalSteps
        self.decay = decay
        self.floorRatio = floorRatio
    }

    /// Learning rate for 0-based optimizer step `step`.
    public func rate(atStep step: Int) -> Float {
        if step < warmupSteps { return peak * Float(step + 1) / Float(warmupSteps) }
        let span = max(1, totalSteps - warmupSteps)
        let progress = min(1, Float(step - warmupSteps) / Float(span))
        let floor = peak * floorRatio
        switch decay {
        case .constant: return peak
        case .linear: return floor + (peak - floor) * (1 - progress)
        case .cosine: return floor + (peak - floor) * 0.5 * (1 + Float(cos(Double.pi * Double(progress))))
        }
    }
}
