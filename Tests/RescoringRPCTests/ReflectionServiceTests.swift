import H2RPC
import RescoringMessages
import RescoringRPC
import Testing

@Suite("ReflectionService answers")
struct ReflectionServiceTests {
    static let service = ReflectionService(serviceNames: [
        RescorerMethods.serviceName, HealthMethods.serviceName,
    ])

    /// The `name` field (1) of a serialized FileDescriptorProto: a short length-delimited string.
    static func fileName(_ bytes: [UInt8]) throws -> String {
        try #require(bytes.count > 2 && bytes[0] == 0x0A && Int(bytes[1]) + 2 <= bytes.count)
        return String(decoding: bytes[2..<(2 + Int(bytes[1]))], as: UTF8.self)
    }

    static func files(_ response: ServerReflectionResponse) throws -> [String] {
        guard case .fileDescriptors(let files) = response.answer else {
            Issue.record("expected file descriptors, got \(String(describing: response.answer))")
            return []
        }
        return try files.fileDescriptorProtos.map(fileName)
    }

    static func error(_ response: ServerReflectionResponse) -> ServerReflectionResponse.ErrorAnswer? {
        guard case .error(let error) = response.answer else { return nil }
        return error
    }

    @Test("list_services names the served services and reflection itself, sorted")
    func listServices() {
        let response = Self.service.answer(ServerReflectionRequest(host: "h", query: .listServices("")))
        guard case .services(let list) = response.answer else {
            Issue.record("expected a service list, got \(String(describing: response.answer))")
            return
        }
        #expect(
            list.names == [
                "grpc.health.v1.Health", "grpc.reflection.v1.ServerReflection",
                "grpc.reflection.v1alpha.ServerReflection", "secondpass.rescoring.v1.Rescorer",
            ])
        #expect(response.validHost == "h")
        #expect(response.originalRequest?.query == .listServices(""))
    }

    @Test(
        "a symbol or a file name finds its file first, then every import once",
        arguments: [
            ServerReflectionRequest.Query.fileContainingSymbol("secondpass.rescoring.v1.Rescorer.Rescore"),
            .fileContainingSymbol("secondpass.rescoring.v1.RescoreRequest.nbest"),
            .fileByFilename("secondpass/rescoring/v1/rescorer.proto"),
        ])
    func fileWithDependencies(query: ServerReflectionRequest.Query) throws {
        let names = try Self.files(Self.service.answer(ServerReflectionRequest(query: query)))
        #expect(names.first == "secondpass/rescoring/v1/rescorer.proto")
        #expect(names.contains("secondpass/rescoring/v1/nbest.proto"))
        #expect(Set(names).count == names.count)
    }

    @Test("nested enums and enum values resolve to the file that declares them")
    func nestedSymbols() throws {
        for symbol in [
            "grpc.health.v1.HealthCheckResponse.ServingStatus", "grpc.health.v1.HealthCheckResponse.SERVING",
        ] {
            let names = try Self.files(
                Self.service.answer(ServerReflectionRequest(query: .fileContainingSymbol(symbol))))
            #expect(names == ["grpc/health/v1/health.proto"], "\(symbol)")
        }
    }

    @Test("unknown names are NOT_FOUND with the name; an empty request is INVALID_ARGUMENT")
    func errors() throws {
        let queries: [(ServerReflectionRequest.Query?, RPCError.Code, String)] = [
            (.fileContainingSymbol("no.such.Thing"), .notFound, "no.such.Thing"),
            (.fileByFilename("missing.proto"), .notFound, "missing.proto"),
            (
                .fileContainingExtension(
                    .init(containingType: "grpc.health.v1.HealthCheckRequest", extensionNumber: 9)),
                .notFound, "9"
            ),
            (.allExtensionNumbersOfType("no.Type"), .notFound, "no.Type"),
            (nil, .invalidArgument, "message_request"),
        ]
        for (query, code, fragment) in queries {
            let error = try #require(Self.error(Self.service.answer(ServerReflectionRequest(query: query))))
            #expect(Int(error.errorCode) == code.rawValue, "\(String(describing: query))")
            #expect(error.errorMessage.contains(fragment), "\(error.errorMessage)")
        }
    }

    @Test("a known message type has no extension numbers")
    func extensionNumbers() {
        let type = "secondpass.rescoring.v1.RescoreRequest"
        let response = Self.service.answer(ServerReflectionRequest(query: .allExtensionNumbersOfType(type)))
        #expect(response.answer == .extensionNumbers(.init(baseTypeName: type, extensionNumbers: [])))
    }

    @Test("requests and responses round-trip through the protobuf-c bridge")
    func roundTrip() throws {
        let request = ServerReflectionRequest(
            host: "x", query: .fileContainingExtension(.init(containingType: "a.B", extensionNumber: 7)))
        #expect(try ServerReflectionRequest(serializedBytes: request.serializedBytes()) == request)
        let empty = ServerReflectionRequest(query: .listServices(""))
        #expect(try ServerReflectionRequest(serializedBytes: empty.serializedBytes()) == empty)
        let response = Self.service.answer(
            ServerReflectionRequest(query: .fileByFilename("grpc/health/v1/health.proto")))
        #expect(try ServerReflectionResponse(serializedBytes: response.serializedBytes()) == response)
    }
}
