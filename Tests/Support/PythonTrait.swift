public import Testing

extension Trait where Self == ConditionTrait {
    /// Runs the test only when the Python peers' venv exists, skipping it with the reason
    /// otherwise; under `CI=true` the test always runs, so a missing venv fails it there.
    public static var requiresPythonPeer: Self {
        .enabled(
            if: PythonPeer.isAvailable || PythonPeer.isRequired,
            Comment(rawValue: PythonPeer.unavailableReason))
    }
}
