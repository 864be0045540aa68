public import H2RPC
public import RescoringMessages

/// The methods of `secondpass.rescoring.v1.Rescorer` (Protos/secondpass/rescoring/v1/rescorer.proto).
public enum RescorerMethods {
    public static let serviceName = "secondpass.rescoring.v1.Rescorer"

    /// Bidirectional: one result per request, in request order.
    public static let rescore = ProtobufMethod<RescoreRequest, RescoreResult>(
        service: serviceName, method: "Rescore", kind: .bidirectionalStreaming)
    public static let rescoreOne = ProtobufMethod<RescoreRequest, RescoreResult>(
        service: serviceName, method: "RescoreOne", kind: .unary)
    public static let listAdapters = ProtobufMethod<ListAdaptersRequest, ListAdaptersResponse>(
        service: serviceName, method: "ListAdapters", kind: .unary)
    public static let loadAdapter = ProtobufMethod<LoadAdapterRequest, LoadAdapterResponse>(
        service: serviceName, method: "LoadAdapter", kind: .unary)
    public static let unloadAdapter = ProtobufMethod<UnloadAdapterRequest, UnloadAdapterResponse>(
        service: serviceName, method: "UnloadAdapter", kind: .unary)

    /// Every method descriptor of the service.
    public static let all: [MethodDescriptor] = [
        rescore.descriptor, rescoreOne.descriptor, listAdapters.descriptor, loadAdapter.descriptor,
        unloadAdapter.descriptor,
    ]
}
