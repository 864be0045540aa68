import Synchronization

/// What a handler knows about the call it serves, and how it sets response metadata.
///
/// Cancellation: when the client cancels, the deadline passes or the connection dies, the
/// handler's task is cancelled (`Task.isCancelled`, `CancellationError` from reads and writes);
/// `isCancelled` reports the same for code that holds only the context.
public struct ServerContext: Sendable {
    /// The method being called.
    public let method: MethodDescriptor
    /// Custom request metadata; `-bin` values are already base64-decoded.
    public let metadata: Metadata
    /// When the client stops waiting, from its `grpc-timeout`; `nil` without one.
    public let deadline: ContinuousClock.Instant?
    /// The client's address, e.g. `[IPv4]127.0.0.1/127.0.0.1:53422`.
    public let peer: String

    let response: ResponseMetadataBox

    /// Whether the call was cancelled (client cancel, deadline, connection loss or shutdown).
    public var isCancelled: Bool { response.isCancelled }

    /// Sets the initial response metadata; it takes effect when the first message or the status
    /// is sent, and later calls have no effect.
    public func setResponseMetadata(_ metadata: Metadata) {
        response.setInitial(metadata)
    }

    /// Adds trailing metadata sent with the final status.
    public func addTrailingMetadata(_ metadata: Metadata) {
        response.addTrailing(metadata)
    }
}

/// Response metadata a handler sets, read by the transport when it sends headers and trailers.
final class ResponseMetadataBox: Sendable {
    private struct State {
        var initial = Metadata()
        var initialSent = false
        var trailing = Metadata()
        var cancelled = false
    }

    private let state = Mutex(State())

    init() {}

    var isCancelled: Bool { state.withLock { $0.cancelled } }

    func markCancelled() {
        state.withLock { $0.cancelled = true }
    }

    func setInitial(_ metadata: Metadata) {
        state.withLock { state in
            if !state.initialSent { state.initial = metadata }
        }
    }

    func addTrailing(_ metadata: Metadata) {
        state.withLock { $0.trailing.append(contentsOf: metadata) }
    }

    /// Takes the initial metadata the first time headers go out; `nil` afterwards.
    func takeInitial() -> Metadata? {
        state.withLock { state in
            guard !state.initialSent else { return nil }
            state.initialSent = true
            return state.initial
        }
    }

    var trailing: Metadata { state.withLock { $0.trailing } }
}
