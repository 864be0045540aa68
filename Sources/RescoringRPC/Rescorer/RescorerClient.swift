public import H2RPC
public import RescoringMessages

/// A typed client of `secondpass.rescoring.v1.Rescorer` over an `RPCClient` connection.
///
/// Every call throws `RPCError` for a non-OK status (Docs/protocol.md lists the codes).
public struct RescorerClient: Sendable {
    public let client: RPCClient

    public init(_ client: RPCClient) {
        self.client = client
    }

    /// Opens a `Rescore` stream: `body` writes requests and reads results (one per request, in
    /// order); the request side is half-closed when `body` returns.
    public func rescore<Result>(
        metadata: Metadata = [:], options: CallOptions = .defaults,
        _ body: (RequestWriter<RescoreRequest>, ResponseStream<RescoreResult>) async throws -> Result
    ) async throws -> Result {
        let method = RescorerMethods.rescore
        return try await client.bidirectionalStreaming(
            method.descriptor, serializer: method.requestCodec, deserializer: method.responseCodec,
            metadata: metadata, options: options, body: body)
    }

    /// Rescores one list.
    public func rescoreOne(
        _ request: RescoreRequest, metadata: Metadata = [:], options: CallOptions = .defaults
    ) async throws -> RescoreResult {
        try await rescoreOneWithMetadata(request, metadata: metadata, options: options).message
    }

    /// Rescores one list and returns the response metadata too.
    public func rescoreOneWithMetadata(
        _ request: RescoreRequest, metadata: Metadata = [:], options: CallOptions = .defaults
    ) async throws -> ClientResponse<RescoreResult> {
        try await unary(RescorerMethods.rescoreOne, request, metadata, options)
    }

    public func listAdapters(
        _ request: ListAdaptersRequest = ListAdaptersRequest(), metadata: Metadata = [:],
        options: CallOptions = .defaults
    ) async throws -> ListAdaptersResponse {
        try await unary(RescorerMethods.listAdapters, request, metadata, options).message
    }

    public func loadAdapter(
        _ request: LoadAdapterRequest, metadata: Metadata = [:], options: CallOptions = .defaults
    ) async throws -> LoadAdapterResponse {
        try await unary(RescorerMethods.loadAdapter, request, metadata, options).message
    }

    public func unloadAdapter(
        _ request: UnloadAdapterRequest, metadata: Metadata = [:], options: CallOptions = .defaults
    ) async throws -> UnloadAdapterResponse {
        try await unary(RescorerMethods.unloadAdapter, request, metadata, options).message
    }

    private func unary<Request, Response>(
        _ method: ProtobufMethod<Request, Response>, _ request: Request, _ metadata: Metadata,
        _ options: CallOptions
    ) async throws -> ClientResponse<Response> {
        try await client.unaryWithMetadata(
            method.descriptor, request: request, serializer: method.requestCodec,
            deserializer: method.responseCodec, metadata: metadata, options: options)
    }
}
