import CRescoringProtos

/// `grpc.health.v1.HealthCheckResponse`: a service's serving status.
public struct HealthCheckResponse: ProtoMessage {
    /// `grpc.health.v1.HealthCheckResponse.ServingStatus`.
    public enum ServingStatus: ProtoEnum {
        case unknown
        case serving
        case notServing
        /// Only sent by `Watch` for a service the server does not know.
        case serviceUnknown
        /// A number this build does not know.
        case unrecognized(Int32)

        public init(protoNumber: Int32) {
            switch protoNumber {
            case 0: self = .unknown
            case 1: self = .serving
            case 2: self = .notServing
            case 3: self = .serviceUnknown
            default: self = .unrecognized(protoNumber)
            }
        }

        public var protoNumber: Int32 {
            switch self {
            case .unknown: 0
            case .serving: 1
            case .notServing: 2
            case .serviceUnknown: 3
            case .unrecognized(let number): number
            }
        }
    }

    public var status: ServingStatus

    public init(status: ServingStatus = .unknown) {
        self.status = status
    }

    public static var protoDescriptor: ProtoMessageDescriptor {
        ProtoMessageDescriptor(
            initialising: Grpc__Health__V1__HealthCheckResponse(),
            with: grpc__health__v1__health_check_response__init)
    }

    public init(fields: ProtoFields) throws {
        status = try fields.enumeration("status")
    }

    public var fields: ProtoFields {
        var fields = ProtoFields(for: Self.self)
        fields.set("status", status)
        return fields
    }
}
