/// Why a list could not be rescored; each case names the offending input.
public struct RescoringError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable {
        /// The request names an adapter the engine does not serve.
        case unknownAdapter
        /// A hypothesis does not fit the model (too many tokens for its context).
        case hypothesisTooLong
        /// The request itself is malformed (e.g. negative fusion weights are allowed, NaN is not).
        case invalidRequest
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }
}
