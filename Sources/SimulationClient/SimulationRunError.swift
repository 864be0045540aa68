/// Why a run could not complete: a peer unreachable for too long, records the aggregator
/// refused, utterances left without a result. `message` is one line for the operator.
public struct SimulationRunError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
