/// Why the compute pool did not run a job, or stopped waiting for it.
public struct ComputePoolError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable {
        /// The queue held its capacity of waiting jobs; the job was refused at once.
        case queueFull
        /// The submitter was cancelled while the job waited or ran.
        case cancelled
        /// The job's deadline passed before a thread could start it.
        case deadlineExceeded
        /// The pool is shutting down and takes no more jobs.
        case shutDown
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }
}
