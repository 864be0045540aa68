public import H2RPC
public import RescoringMessages

/// A typed client of `secondpass.rescoring.v1.MetricsAggregator` over an `RPCClient` connection.
public struct MetricsAggregatorClient: Sendable {
    public let client: RPCClient

    public init(_ client: RPCClient) {
        self.client = client
    }

    /// Streams records: `records` writes them; returns the aggregator's summary.
    public func record(
        metadata: Metadata = [:], options: CallOptions = .defaults,
        _ records: (RequestWriter<EvaluationRecord>) async throws -> Void
    ) async throws -> ClientResponse<RecordSummary> {
        let method = MetricsAggregatorMethods.record
        return try await client.clientStreaming(
            method.descriptor, serializer: method.requestCodec, deserializer: method.responseCodec,
            metadata: metadata, options: options, requests: records)
    }

    public func getReport(
        _ request: ReportRequest, metadata: Metadata = [:], options: CallOptions = .defaults
    ) async throws -> Report {
        let method = MetricsAggregatorMethods.getReport
        return try await client.unary(
            method.descriptor, request: request, serializer: method.requestCodec,
            deserializer: method.responseCodec, metadata: metadata, options: options)
    }

    /// Watches a run's report: `body` reads the stream (it never ends by itself on a real
    /// aggregator; return from `body`, cancel, or set a timeout).
    public func watchReport<Result>(
        _ request: ReportRequest, metadata: Metadata = [:], options: CallOptions = .defaults,
        _ body: (ResponseStream<Report>) async throws -> Result
    ) async throws -> Result {
        let method = MetricsAggregatorMethods.watchReport
        return try await client.serverStreaming(
            method.descriptor, request: request, serializer: method.requestCodec,
            deserializer: method.responseCodec, metadata: metadata, options: options, body: body)
    }
}
