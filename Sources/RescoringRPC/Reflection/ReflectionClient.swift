public import H2RPC
public import RescoringMessages

/// A typed client of gRPC server reflection, for tools and tests that ask a SecondPass server
/// what it serves.
public struct ReflectionClient: Sendable {
    public let client: RPCClient
    /// Which service name to ask: `grpc.reflection.v1` unless a peer only knows `v1alpha`.
    public let method: ProtobufMethod<ServerReflectionRequest, ServerReflectionResponse>

    public init(
        _ client: RPCClient,
        method: ProtobufMethod<ServerReflectionRequest, ServerReflectionResponse> = ReflectionMethods.info
    ) {
        self.client = client
        self.method = method
    }

    /// Sends `requests` on one `ServerReflectionInfo` stream and returns the answers, in order.
    ///
    /// - Throws: `RPCError` when the call fails; unanswerable questions are not errors but
    ///   `ServerReflectionResponse.Answer.error` answers.
    public func ask(
        _ requests: [ServerReflectionRequest], options: CallOptions = .defaults
    ) async throws -> [ServerReflectionResponse] {
        try await client.bidirectionalStreaming(
            method.descriptor, serializer: method.requestCodec, deserializer: method.responseCodec,
            options: options
        ) { writer, responses in
            try await writer.write(contentsOf: requests)
            writer.finish()
            var answers: [ServerReflectionResponse] = []
            for try await response in responses { answers.append(response) }
            return answers
        }
    }

    /// The names of the services the server serves.
    ///
    /// - Throws: `RPCError` when the call fails or the server answers with an error.
    public func listServices(options: CallOptions = .defaults) async throws -> [String] {
        let answers = try await ask([ServerReflectionRequest(query: .listServices(""))], options: options)
        switch answers.first?.answer {
        case .services(let list):
            return list.names
        case .error(let error):
            throw RPCError(
                code: RPCError.Code(rawValue: Int(error.errorCode)),
                message: "Reflection could not list services: \(error.errorMessage)")
        default:
            throw RPCError(
                code: .internal, message: "Reflection answered list_services with \(answers.count) responses."
            )
        }
    }
}
