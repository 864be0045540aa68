/// The server's grip on one call's handler: how to start it, the running task, and the flag
/// `ServerContext.isCancelled` reads.
///
/// Event-loop confined (it lives in the stream's `HTTP2StreamState`). Every path that ends a call
/// early — RST_STREAM, the connection closing, the deadline, GOAWAY(ENHANCE_YOUR_CALM), the end of
/// the shutdown grace period — goes through `cancel()`, so a handler sees `Task.isCancelled`,
/// its cancellation handlers and `context.isCancelled` together, at once.
final class ServerCallHandle {
    /// The metadata box shared with the handler's `ServerContext`.
    let response: ResponseMetadataBox
    /// The handler to run, until it starts or the call is cancelled first (kept as a value rather
    /// than in a launch closure: a closure's context was one more allocation per call).
    private var invocation: HandlerInvocation?
    private(set) var task: Task<Void, Never>?
    private(set) var isCancelled = false
    /// Whether the handler returned: the stream closing afterwards has nothing to cancel.
    private var isDone = false
    private var started = false

    init(response: ResponseMetadataBox, invocation: HandlerInvocation) {
        self.response = response
        self.invocation = invocation
    }

    /// Whether the handler is running (or ran): the call cost the server a task.
    var hasStarted: Bool { started }

    /// Starts the handler through `launch` (which makes its task) unless it already started or
    /// the call was cancelled.
    func start(_ launch: (HandlerInvocation) -> Task<Void, Never>) {
        guard let invocation, !isCancelled else { return }
        self.invocation = nil
        started = true
        task = launch(invocation)
    }

    /// The handler's outcome reached the event loop: drop the task (its memory goes now, not with
    /// the stream) and make a later `cancel()` free, as every stream close calls it.
    func handlerFinished() {
        isDone = true
        task = nil
    }

    /// Cancels the handler (or keeps it from ever starting); idempotent, and a no-op once the
    /// handler finished.
    func cancel() {
        guard !isCancelled, !isDone else { return }
        isCancelled = true
        invocation = nil
        response.markCancelled()
        task?.cancel()
    }
}
