public import H2RPC
public import RescoringMessages

/// gRPC server reflection: lists the services a server serves and hands out the serialized
/// `FileDescriptorProto`s of their `.proto` files, so grpcurl-style tools and grpcio-reflection
/// clients can call them without our protos.
///
/// Serves `grpc.reflection.v1.ServerReflection` and its `v1alpha` twin. Each request on the
/// stream gets one response, in order; a question it cannot answer gets an `ErrorResponse`
/// (`NOT_FOUND` for an unknown file, symbol or extension, `INVALID_ARGUMENT` for an empty
/// request) and the stream goes on.
public struct ReflectionService: RPCService {
    /// The services `list_services` names, sorted.
    public let serviceNames: [String]
    private let files: [String: ProtoFileDescriptor]
    private let fileBySymbol: [String: String]

    /// Creates the service.
    ///
    /// - Parameters:
    ///   - serviceNames: the fully qualified names of the served services; the reflection
    ///     services' own names are added.
    ///   - files: the descriptors to serve (default: every file of Protos/).
    public init(serviceNames: some Sequence<String>, files: [ProtoFileDescriptor] = ProtoFileDescriptor.all) {
        self.serviceNames = Set(serviceNames)
            .union([ReflectionMethods.serviceName, ReflectionMethods.alphaServiceName]).sorted()
        self.files = Dictionary(files.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        var fileBySymbol: [String: String] = [:]
        for file in files {
            for symbol in file.symbols { fileBySymbol[symbol] = fileBySymbol[symbol] ?? file.name }
        }
        self.fileBySymbol = fileBySymbol
    }

    /// Reflection for `services` (and itself): the names come from the methods they register.
    public init(reflecting services: [any RPCService], files: [ProtoFileDescriptor] = ProtoFileDescriptor.all)
    {
        var scratch = RPCRouter()
        for service in services { scratch.register(service) }
        self.init(serviceNames: scratch.methods.map(\.service), files: files)
    }

    public func registerMethods(with router: inout RPCRouter) {
        for method in [ReflectionMethods.info, ReflectionMethods.alphaInfo] {
            router.registerBidirectionalStreaming(
                method.descriptor, deserializer: method.requestCodec, serializer: method.responseCodec
            ) { requests, responses, _ in
                for try await request in requests {
                    try await responses.write(answer(request))
                }
            }
        }
    }

    /// The response to one request.
    public func answer(_ request: ServerReflectionRequest) -> ServerReflectionResponse {
        ServerReflectionResponse(
            validHost: request.host, originalRequest: request, answer: answer(request.query))
    }

    private func answer(_ query: ServerReflectionRequest.Query?) -> ServerReflectionResponse.Answer {
        switch query {
        case .listServices:
            return .services(.init(names: serviceNames))
        case .fileByFilename(let name):
            guard files[name] != nil else { return Self.notFound("Unknown file '\(name)'.") }
            return .fileDescriptors(.init(fileDescriptorProtos: closure(of: name)))
        case .fileContainingSymbol(let symbol):
            guard let name = fileBySymbol[symbol] else { return Self.notFound("Unknown symbol '\(symbol)'.") }
            return .fileDescriptors(.init(fileDescriptorProtos: closure(of: name)))
        case .fileContainingExtension(let request):
            // Our protos are proto3 and declare no extensions.
            return Self.notFound(
                "No extension \(request.extensionNumber) of '\(request.containingType)' is known.")
        case .allExtensionNumbersOfType(let type):
            guard fileBySymbol[type] != nil else { return Self.notFound("Unknown type '\(type)'.") }
            return .extensionNumbers(.init(baseTypeName: type, extensionNumbers: []))
        case nil:
            return .error(
                .init(
                    errorCode: Int32(RPCError.Code.invalidArgument.rawValue),
                    errorMessage: "The request sets none of the message_request fields."))
        }
    }

    /// The file named `name` first, then every file it imports, directly or not, each once.
    private func closure(of name: String) -> [[UInt8]] {
        var order: [String] = []
        var seen: Set<String> = []
        var pending = [name]
        while let next = pending.first {
            pending.removeFirst()
            guard seen.insert(next).inserted, let file = files[next] else { continue }
            order.append(next)
            pending += file.dependencies
        }
        return order.compactMap { files[$0]?.serialized }
    }

    private static func notFound(_ message: String) -> ServerReflectionResponse.Answer {
        .error(.init(errorCode: Int32(RPCError.Code.notFound.rawValue), errorMessage: message))
    }
}
