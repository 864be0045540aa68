/// A test helper's failure (a child that exited early, a wait that timed out, a missing binary),
/// with a message that says which fact was missing.
public struct TestFailure: Error, CustomStringConvertible {
    public let description: String

    public init(_ description: String) { self.description = description }
}
