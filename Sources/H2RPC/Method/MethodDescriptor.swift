/// Identifies one RPC method: its service, its name and the shape of its streams.
///
/// The wire path is `/<service>/<method>`, e.g. `/secondpass.rescoring.v1.Rescorer/RescoreOne`.
public struct MethodDescriptor: Sendable, Hashable, CustomStringConvertible {
    /// Fully qualified service name, e.g. `grpc.health.v1.Health`.
    public var service: String
    /// Method name, e.g. `Check`.
    public var method: String
    /// Whether requests and responses are single messages or streams.
    public var kind: RPCKind

    /// Creates a descriptor.
    public init(service: String, method: String, kind: RPCKind) {
        self.service = service
        self.method = method
        self.kind = kind
    }

    /// The HTTP/2 `:path` of the method.
    public var fullPath: String { "/\(service)/\(method)" }

    public var description: String { fullPath }
}

/// The four gRPC call shapes.
public enum RPCKind: String, Sendable, Hashable, CaseIterable {
    /// One request, one response.
    case unary
    /// A stream of requests, one response.
    case clientStreaming
    /// One request, a stream of responses.
    case serverStreaming
    /// Streams in both directions.
    case bidirectionalStreaming
}
