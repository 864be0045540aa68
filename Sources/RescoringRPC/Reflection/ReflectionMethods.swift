public import RescoringMessages

/// The methods of gRPC server reflection: `grpc.reflection.v1.ServerReflection` and the
/// `v1alpha` name older tools (grpcurl before 1.9, many grpcio releases) still ask for.
///
/// Both carry the same messages, so one message type pair serves both.
public enum ReflectionMethods {
    public static let serviceName = "grpc.reflection.v1.ServerReflection"
    public static let alphaServiceName = "grpc.reflection.v1alpha.ServerReflection"

    /// Bidirectional: one response per request, in request order.
    public static let info = ProtobufMethod<ServerReflectionRequest, ServerReflectionResponse>(
        service: serviceName, method: "ServerReflectionInfo", kind: .bidirectionalStreaming)
    /// The same method under the `v1alpha` service name.
    public static let alphaInfo = ProtobufMethod<ServerReflectionRequest, ServerReflectionResponse>(
        service: alphaServiceName, method: "ServerReflectionInfo", kind: .bidirectionalStreaming)
}
