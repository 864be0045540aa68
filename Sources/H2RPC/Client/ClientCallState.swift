import Synchronization

/// The response side of a client call as the calling task sees it: initial metadata and the
/// final status with trailing metadata, filled in by the connection's event loop.
final class ClientCallState: Sendable {
    private struct State {
        var initialMetadata: Metadata?
        var trailingMetadata = Metadata()
        var status: RPCError??
        var waiters: [CheckedContinuation<Metadata, any Error>] = []
    }

    private let state = Mutex(State())

    init() {}

    /// Event loop: response headers arrived.
    func setInitialMetadata(_ metadata: Metadata) {
        let waiters = state.withLock { state in
            state.initialMetadata = metadata
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume(returning: metadata) }
    }

    /// Event loop: the call ended; `nil` error means OK.
    func setStatus(_ error: RPCError?, trailing: Metadata) {
        let (waiters, initial): ([CheckedContinuation<Metadata, any Error>], Metadata?) = state.withLock {
            state in
            guard state.status == nil else { return ([], nil) }
            state.status = .some(error)
            state.trailingMetadata = trailing
            if state.initialMetadata == nil { state.initialMetadata = Metadata() }
            defer { state.waiters = [] }
            return (state.waiters, state.initialMetadata)
        }
        for waiter in waiters {
            if let initial { waiter.resume(returning: initial) }
        }
    }

    /// The status once the call ended: `.some(nil)` for OK.
    var status: RPCError?? { state.withLock { $0.status } }

    var trailingMetadata: Metadata { state.withLock { $0.trailingMetadata } }

    /// Waits for the response headers (or the end of the call).
    func initialMetadata() async throws -> Metadata {
        try await withCheckedThrowingContinuation { continuation in
            let ready: Metadata? = state.withLock { state in
                if let metadata = state.initialMetadata { return metadata }
                state.waiters.append(continuation)
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }
}
