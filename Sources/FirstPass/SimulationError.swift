/// A failure of the first-pass simulator or of its calibration.
public struct SimulationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure.
    public enum Code: Sendable, Hashable {
        /// A parameter is out of range.
        case invalidParameter
        /// The input (references, target profile) cannot be used.
        case invalidInput
    }

    public var code: Code
    public var message: String

    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
