public import H2RPC
public import RescoringMessages

/// The server side of `secondpass.rescoring.v1.Rescorer`: implement these handlers, then
/// register the value on an `RPCRouter`.
///
/// Handlers throw `RPCError` to choose the status (Docs/protocol.md lists which code each RPC
/// returns and when); any other error reaches the client as `UNKNOWN`.
public protocol RescorerService: RPCService {
    /// Rescores a stream of requests, writing exactly one result per request, in request order.
    func rescore(
        requests: RequestStream<RescoreRequest>, results: ResponseWriter<RescoreResult>,
        context: ServerContext
    ) async throws
    func rescoreOne(_ request: RescoreRequest, context: ServerContext) async throws -> RescoreResult
    func listAdapters(_ request: ListAdaptersRequest, context: ServerContext) async throws
        -> ListAdaptersResponse
    func loadAdapter(_ request: LoadAdapterRequest, context: ServerContext) async throws
        -> LoadAdapterResponse
    func unloadAdapter(
        _ request: UnloadAdapterRequest, context: ServerContext
    ) async throws -> UnloadAdapterResponse
}

extension RescorerService {
    public func registerMethods(with router: inout RPCRouter) {
        let rescore = RescorerMethods.rescore
        router.registerBidirectionalStreaming(
            rescore.descriptor, deserializer: rescore.requestCodec, serializer: rescore.responseCodec
        ) { requests, results, context in
            try await self.rescore(requests: requests, results: results, context: context)
        }
        let one = RescorerMethods.rescoreOne
        router.registerUnary(one.descriptor, deserializer: one.requestCodec, serializer: one.responseCodec) {
            try await self.rescoreOne($0, context: $1)
        }
        let list = RescorerMethods.listAdapters
        router.registerUnary(list.descriptor, deserializer: list.requestCodec, serializer: list.responseCodec)
        {
            try await self.listAdapters($0, context: $1)
        }
        let load = RescorerMethods.loadAdapter
        router.registerUnary(load.descriptor, deserializer: load.requestCodec, serializer: load.responseCodec)
        {
            try await self.loadAdapter($0, context: $1)
        }
        let unload = RescorerMethods.unloadAdapter
        router.registerUnary(
            unload.descriptor, deserializer: unload.requestCodec, serializer: unload.responseCodec
        ) {
            try await self.unloadAdapter($0, context: $1)
        }
    }
}
