import CRescoringProtos

/// `grpc.health.v1.HealthCheckRequest`: asks for one service's status; empty means the server.
public struct HealthCheckRequest: ProtoMessage {
    public var service: String

    public init(
        service: String = ""
    ) {
        self.service = service
    }

    public static var protoDescriptor: ProtoMessageDescriptor {
        ProtoMessageDescriptor(
            initialising: Grpc__Health__V1__HealthCheckRequest(),
            with: grpc__health__v1__health_check_request__init)
    }

    public init(fields: ProtoFields) throws {
        service = try fields.scalar("service")
    }

    public var fields: ProtoFields {
        var fields = ProtoFields(for: Self.self)
        fields.set("service", service)
        return fields
    }
}
