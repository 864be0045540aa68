public import H2RPC
public import RescoringMessages

/// The server side of `secondpass.rescoring.v1.MetricsAggregator`: implement these handlers,
/// then register the value on an `RPCRouter`.
///
/// Handlers throw `RPCError` to choose the status (see Docs/protocol.md).
public protocol MetricsAggregatorService: RPCService {
    /// Stores a stream of records idempotently by (run_id, condition, utterance_id).
    func record(_ records: RequestStream<EvaluationRecord>, context: ServerContext) async throws
        -> RecordSummary
    func getReport(_ request: ReportRequest, context: ServerContext) async throws -> Report
    /// Sends the current report, then a new one whenever stored records change it.
    func watchReport(
        _ request: ReportRequest, reports: ResponseWriter<Report>, context: ServerContext
    ) async throws
}

extension MetricsAggregatorService {
    public func registerMethods(with router: inout RPCRouter) {
        let record = MetricsAggregatorMethods.record
        router.registerClientStreaming(
            record.descriptor, deserializer: record.requestCodec, serializer: record.responseCodec
        ) {
            try await self.record($0, context: $1)
        }
        let get = MetricsAggregatorMethods.getReport
        router.registerUnary(get.descriptor, deserializer: get.requestCodec, serializer: get.responseCodec) {
            try await self.getReport($0, context: $1)
        }
        let watch = MetricsAggregatorMethods.watchReport
        router.registerServerStreaming(
            watch.descriptor, deserializer: watch.requestCodec, serializer: watch.responseCodec
        ) {
            try await self.watchReport($0, reports: $1, context: $2)
        }
    }
}
