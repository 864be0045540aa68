public import H2RPC
public import RescoringMessages

/// The methods of `secondpass.rescoring.v1.MetricsAggregator`
/// (Protos/secondpass/rescoring/v1/metrics.proto).
public enum MetricsAggregatorMethods {
    public static let serviceName = "secondpass.rescoring.v1.MetricsAggregator"

    /// Client streaming: records in, one summary out.
    public static let record = ProtobufMethod<EvaluationRecord, RecordSummary>(
        service: serviceName, method: "Record", kind: .clientStreaming)
    public static let getReport = ProtobufMethod<ReportRequest, Report>(
        service: serviceName, method: "GetReport", kind: .unary)
    /// Server streaming: the report now and after every change.
    public static let watchReport = ProtobufMethod<ReportRequest, Report>(
        service: serviceName, method: "WatchReport", kind: .serverStreaming)

    /// Every method descriptor of the service.
    public static let all: [MethodDescriptor] = [
        record.descriptor, getReport.descriptor, watchReport.descriptor,
    ]
}
