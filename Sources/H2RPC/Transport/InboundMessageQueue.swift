import Synchronization

/// Messages received on one stream, handed from the connection's event loop to the task that
/// reads them.
///
/// It is also where receive-side backpressure is decided: while the reader has at least
/// `bufferLimit` bytes of unread messages, the event loop stops returning flow-control credit to
/// the peer (the bytes are recorded as `deferredCredit`), so a reader that does not read
/// eventually stops its peer through HTTP/2 flow control. When the reader catches up, the
/// deferred credit is handed back to the event loop through `onCreditAvailable`.
///
/// On the server it also counts the stream's share of the connection's inbound byte budget
/// (`account`): every received byte until the message holding it is read or discarded.
final class InboundMessageQueue: Sendable {
    private struct State {
        /// Unread messages with the bytes each took on the wire (less than its size when it
        /// arrived compressed): flow-control credit and the budget count wire bytes.
        var messages = MessageFIFO()
        var queuedBytes = 0
        var deferredCredit = 0
        var terminal: Result<Void, RPCError>?
        var waiter: CheckedContinuation<[UInt8]?, any Error>?
        /// Received bytes counted in `budget` and not yet released.
        var accounted = 0
    }

    private let state = Mutex(State())
    private let bufferLimit: Int
    /// Called (from the reading task) with credit to return to the peer; it hops to the event loop.
    private let onCreditAvailable: @Sendable (Int) -> Void
    /// Server: the connection's inbound byte budget; `nil` on the client.
    private let budget: ConnectionInboundBudget?

    init(
        bufferLimit: Int, budget: ConnectionInboundBudget? = nil,
        onCreditAvailable: @escaping @Sendable (Int) -> Void
    ) {
        self.bufferLimit = bufferLimit
        self.budget = budget
        self.onCreditAvailable = onCreditAvailable
    }

    deinit {
        // Messages nobody read (a handler that returned early) leave memory with the queue.
        budget?.release(state.withLock { $0.accounted })
    }

    /// Event loop: counts `byteCount` received bytes against the budget until they are read or
    /// discarded. Returns `false` (nothing counted) without a budget or after the stream failed.
    func account(_ byteCount: Int) -> Bool {
        guard let budget else { return false }
        let counted = state.withLock { state in
            if case .failure = state.terminal { return false }
            state.accounted += byteCount
            return true
        }
        if counted { budget.add(byteCount) }
        return counted
    }

    /// Event loop: delivers a completed message that took `wireLength` bytes on the wire
    /// (default: its size plus the prefix, as for an uncompressed message).
    func push(_ message: [UInt8], wireLength: Int? = nil) {
        let wireLength = wireLength ?? message.count + MessageFraming.prefixLength
        let waiter: CheckedContinuation<[UInt8]?, any Error>? = state.withLock { state in
            guard state.terminal == nil else { return nil }
            if let waiter = state.waiter {
                state.waiter = nil
                return waiter
            }
            state.messages.append((message, wireLength))
            state.queuedBytes += wireLength
            return nil
        }
        waiter?.resume(returning: message)
    }

    /// Event loop: decides whether `byteCount` received bytes may be credited back to the peer now.
    ///
    /// - Returns: `true` when the caller should consume them immediately; `false` when they were
    ///   recorded as deferred credit because the reader is behind.
    func shouldCreditNow(_ byteCount: Int) -> Bool {
        state.withLock { state in
            if state.queuedBytes >= bufferLimit && state.terminal == nil {
                state.deferredCredit += byteCount
                return false
            }
            return true
        }
    }

    /// Event loop: ends the stream, successfully or with an error, waking a waiting reader.
    ///
    /// Unread messages stay readable after a successful end; an error discards them unless
    /// `keepingUnread` (a client reads the messages a server sent before its error status).
    /// - Returns: deferred credit the caller must still return to the connection window.
    @discardableResult
    func finish(_ result: Result<Void, RPCError>, keepingUnread: Bool = false) -> Int {
        let (waiter, credit, released): (CheckedContinuation<[UInt8]?, any Error>?, Int, Int) = state.withLock
        {
            state in
            guard state.terminal == nil else { return (nil, 0, 0) }
            state.terminal = result
            var released = 0
            if case .failure = result, !keepingUnread {
                state.messages.removeAll()
                state.queuedBytes = 0
                released = state.accounted
                state.accounted = 0
            }
            let credit = state.deferredCredit
            state.deferredCredit = 0
            let waiter = state.waiter
            state.waiter = nil
            return (waiter, credit, released)
        }
        budget?.release(released)
        if let waiter {
            switch result {
            case .success: waiter.resume(returning: nil)
            case .failure(let error): waiter.resume(throwing: error)
            }
        }
        return credit
    }

    /// Bytes of complete messages not yet read.
    var queuedBytes: Int { state.withLock { $0.queuedBytes } }

    /// Whether a reader is suspended in `next()` (tests wait for this fact before acting).
    var hasWaitingReader: Bool { state.withLock { $0.waiter != nil } }

    /// What a reader gets without waiting.
    private enum Immediate {
        case message([UInt8], credit: Int, released: Int)
        case end
        case failure(any Error)
    }

    /// Reader: the next message, `nil` at a clean end of stream.
    ///
    /// - Throws: the stream's `RPCError`, or `CancellationError` when the reading task is cancelled.
    func next() async throws -> [UInt8]? {
        if let immediate = state.withLock({
            Self.takeImmediate(&$0, bufferLimit: bufferLimit, counting: budget != nil)
        }) {
            return try deliver(immediate)
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let immediate: Immediate? = state.withLock { state in
                    if let immediate = Self.takeImmediate(
                        &state, bufferLimit: bufferLimit, counting: budget != nil)
                    {
                        return immediate
                    }
                    if Task.isCancelled { return .failure(CancellationError()) }
                    state.waiter = continuation
                    return nil
                }
                if let immediate {
                    continuation.resume(with: Result { try deliver(immediate) })
                }
            }
        } onCancel: {
            let waiter = state.withLock { state in
                let waiter = state.waiter
                state.waiter = nil
                return waiter
            }
            waiter?.resume(throwing: CancellationError())
        }
    }

    private func deliver(_ immediate: Immediate) throws -> [UInt8]? {
        switch immediate {
        case .message(let message, let credit, let released):
            budget?.release(released)
            if credit > 0 { onCreditAvailable(credit) }
            return message
        case .end:
            return nil
        case .failure(let error):
            throw error
        }
    }

    private static func takeImmediate(_ state: inout State, bufferLimit: Int, counting: Bool) -> Immediate? {
        if let taken = state.messages.popFirst() {
            let (message, wireLength) = taken
            state.queuedBytes -= wireLength
            var credit = 0
            if state.queuedBytes < bufferLimit && state.deferredCredit > 0 {
                credit = state.deferredCredit
                state.deferredCredit = 0
            }
            var released = 0
            if counting {
                released = min(state.accounted, wireLength)
                state.accounted -= released
            }
            return .message(message, credit: credit, released: released)
        }
        switch state.terminal {
        case .success: return .end
        case .failure(let error): return .failure(error)
        case nil: return nil
        }
    }
}
