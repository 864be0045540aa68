/// Relative WER reduction (WERR) of a system over a baseline.
///
/// WERR = (WER_base − WER_sys) / WER_base; positive means the system is better. Undefined (`nil`)
/// when the baseline WER is 0 or either WER is undefined.
public func relativeReduction(baseline: Double?, system: Double?) -> Double? {
    guard let baseline, let system, baseline != 0 else { return nil }
    return (baseline - system) / baseline
}

/// Relative change (X_after − X_before) / X_before, used for degradation figures (D1, NPRR).
///
/// Undefined (`nil`) when X_before is 0 or either value is undefined.
public func relativeChange(before: Double?, after: Double?) -> Double? {
    guard let before, let after, before != 0 else { return nil }
    return (after - before) / before
}
