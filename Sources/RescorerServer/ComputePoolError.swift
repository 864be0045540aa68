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
    /// For `.queueFull`: about when the threads will have worked off the queue (also in `message`).
    public var retryAfter: Duration?

    public init(_ code: Code, _ message: String, retryAfter: Duration? = nil) {
        self.code = code
        self.message = message
        self.retryAfter = retryAfter
    }

    public var description: String { "\(code.rawValue): \(message)" }
}
