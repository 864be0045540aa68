public import H2RPC
public import RescoringMessages

/// A typed client of the standard `grpc.health.v1.Health` service.
public struct HealthClient: Sendable {
    public let client: RPCClient

    public init(_ client: RPCClient) {
        self.client = client
    }

    /// The current status of `service` (empty for the whole server).
    ///
    /// - Throws: `RPCError` with `NOT_FOUND` when the server does not know the service.
    public func check(
        service: String = "", options: CallOptions = .defaults
    ) async throws -> HealthCheckResponse.ServingStatus {
        let method = HealthMethods.check
        return try await client.unary(
            method.descriptor, request: HealthCheckRequest(service: service), serializer: method.requestCodec,
            deserializer: method.responseCodec, options: options
        ).status
    }

    /// Watches `service`: `body` reads the current status and every change.
    public func watch<Result>(
        service: String = "", options: CallOptions = .defaults,
        _ body: (ResponseStream<HealthCheckResponse>) async throws -> Result
    ) async throws -> Result {
        let method = HealthMethods.watch
        return try await client.serverStreaming(
            method.descriptor, request: HealthCheckRequest(service: service), serializer: method.requestCodec,
            deserializer: method.responseCodec, options: options, body: body)
    }
}
