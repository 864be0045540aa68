import H2RPC
public import RescoringMessages

/// The methods of the standard `grpc.health.v1.Health` service.
public enum HealthMethods {
    public static let serviceName = "grpc.health.v1.Health"

    public static let check = ProtobufMethod<HealthCheckRequest, HealthCheckResponse>(
        service: serviceName, method: "Check", kind: .unary)
    public static let watch = ProtobufMethod<HealthCheckRequest, HealthCheckResponse>(
        service: serviceName, method: "Watch", kind: .serverStreaming)
}
