/// Why a list could not be rescored; each case names the offending input.
public struct RescoringError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable {
        /// The request names an adapter the engine does not serve.
        case unknownAdapter
        /// A hypothesis does not fit the model (too many tokens for its context).
        case hypothesisTooLong
        /// The request itself is malformed (non-finite fusion weights or first-pass scores).
        case invalidRequest
        /// The list exceeds a `RescoringLimits` bound (the message names the limit).
        case limitExceeded
        /// The caller cancelled the work (`WorkBudget.isCancelled`).
        case cancelled
        /// The work's deadline passed (`WorkBudget.deadline`).
        case deadlineExceeded
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }
}
