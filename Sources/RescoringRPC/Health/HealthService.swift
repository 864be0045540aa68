public import H2RPC
public import RescoringMessages
import Synchronization

/// The standard gRPC health service that every SecondPass server mounts.
///
/// Holds the serving status of each named service (the empty name is the server as a whole).
/// `Check` answers the current status or `NOT_FOUND`; `Watch` sends the current status (or
/// `SERVICE_UNKNOWN`) at once and then every change until the client goes away. A slow watcher
/// sees the latest status rather than every intermediate one, as the gRPC health spec allows.
public final class HealthService: RPCService, Sendable {
    public typealias Status = HealthCheckResponse.ServingStatus

    private struct State {
        var statuses: [String: Status]
        var watchers: [String: [Int: AsyncStream<Status>.Continuation]] = [:]
        var nextWatcherID = 0
    }

    private let state: Mutex<State>

    /// Creates the service with initial statuses, by default the whole server `SERVING`.
    public init(statuses: [String: Status] = ["": .serving]) {
        state = Mutex(State(statuses: statuses))
    }

    /// The status of `service`, `nil` when it is not registered.
    public func status(of service: String) -> Status? {
        state.withLock { $0.statuses[service] }
    }

    /// Registers or updates `service`'s status and tells its watchers.
    public func setStatus(_ status: Status, for service: String) {
        // Yield under the lock so concurrent updates reach every watcher in the order applied.
        state.withLock { state in
            state.statuses[service] = status
            for watcher in state.watchers[service, default: [:]].values { watcher.yield(status) }
        }
    }

    /// Sets every registered service to `status`, e.g. `NOT_SERVING` when the server starts
    /// draining, so load balancers move traffic before calls are refused.
    public func setAll(_ status: Status) {
        let services = state.withLock { Array($0.statuses.keys) }
        for service in services { setStatus(status, for: service) }
    }

    /// Unregisters `service`: `Check` answers `NOT_FOUND`, watchers see `SERVICE_UNKNOWN`.
    public func remove(_ service: String) {
        state.withLock { state in
            state.statuses[service] = nil
            for watcher in state.watchers[service, default: [:]].values { watcher.yield(.serviceUnknown) }
        }
    }

    public func registerMethods(with router: inout RPCRouter) {
        let check = HealthMethods.check
        router.registerUnary(
            check.descriptor, deserializer: check.requestCodec, serializer: check.responseCodec
        ) {
            request, _ in
            try self.check(request)
        }
        let watch = HealthMethods.watch
        router.registerServerStreaming(
            watch.descriptor, deserializer: watch.requestCodec, serializer: watch.responseCodec
        ) { request, responses, _ in
            try await self.watch(request, responses)
        }
    }

    private func check(_ request: HealthCheckRequest) throws -> HealthCheckResponse {
        guard let status = status(of: request.service) else {
            throw RPCError(code: .notFound, message: "Unknown service '\(request.service)'.")
        }
        return HealthCheckResponse(status: status)
    }

    private func watch(
        _ request: HealthCheckRequest, _ responses: ResponseWriter<HealthCheckResponse>
    ) async throws {
        let (updates, continuation) = AsyncStream<Status>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let id = state.withLock { state in
            let id = state.nextWatcherID
            state.nextWatcherID += 1
            state.watchers[request.service, default: [:]][id] = continuation
            // The current status goes first, inside the lock, so no change can slip in before it.
            continuation.yield(state.statuses[request.service] ?? .serviceUnknown)
            return id
        }
        defer {
            state.withLock { state in
                state.watchers[request.service]?[id] = nil
                if state.watchers[request.service]?.isEmpty == true { state.watchers[request.service] = nil }
            }
            continuation.finish()
        }
        var lastSent: Status?
        for await status in updates where status != lastSent {
            try await responses.write(HealthCheckResponse(status: status))
            lastSent = status
        }
        try Task.checkCancellation()
    }
}
