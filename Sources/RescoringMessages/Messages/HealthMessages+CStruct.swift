import CRescoringProtos

// Direct conversions of the gRPC health messages to and from their protobuf-c structs: load
// balancers and orchestrators poll them constantly.

private typealias CHealthCheckRequest = Grpc__Health__V1__HealthCheckRequest
private typealias CHealthCheckResponse = Grpc__Health__V1__HealthCheckResponse

extension HealthCheckRequest {
    public init(unpacked message: UnpackedCMessage) throws {
        let c = CStructReading.load(message, as: CHealthCheckRequest.self)
        self.init(service: CStructReading.string(c.service))
    }

    public func cMessage(in builder: CMessageBuilder) throws -> UnsafeMutableRawPointer {
        let c = builder.newStruct(grpc__health__v1__health_check_request__init)
        if let text = try builder.string(service, field: "service", of: Self.self) {
            c.pointee.service = text
        }
        return UnsafeMutableRawPointer(c)
    }
}

extension HealthCheckResponse {
    public init(unpacked message: UnpackedCMessage) throws {
        let c = CStructReading.load(message, as: CHealthCheckResponse.self)
        self.init(status: ServingStatus(protoNumber: CStructReading.enumNumber(c.status)))
    }

    public func cMessage(in builder: CMessageBuilder) throws -> UnsafeMutableRawPointer {
        let c = builder.newStruct(grpc__health__v1__health_check_response__init)
        c.pointee.status = .init(rawValue: .init(truncatingIfNeeded: status.protoNumber))
        return UnsafeMutableRawPointer(c)
    }
}
