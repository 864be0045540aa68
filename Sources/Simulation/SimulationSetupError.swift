/// A run that cannot start: a bad flag value, a missing or empty file, an unreadable model.
///
/// `message` is one line for the operator, naming the value or file at fault.
public struct SimulationSetupError: Error, Sendable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
