import Foundation

/// A `grpc-encoding` this transport implements.
enum MessageEncoding: Sendable, Hashable {
    case identity
    case gzip

    /// The encoding a `grpc-encoding` header names, `nil` for one we do not implement (or do not
    /// accept: gzip when `acceptsGzip` is off).
    init?(headerValue: String, acceptsGzip: Bool) {
        switch headerValue.lowercased() {
        case "identity": self = .identity
        case "gzip" where acceptsGzip: self = .gzip
        default: return nil
        }
    }

    /// The `grpc-encoding` header value.
    var headerValue: String {
        switch self {
        case .identity: "identity"
        case .gzip: "gzip"
        }
    }

    /// Whether a `grpc-accept-encoding` value lists gzip.
    static func acceptsGzip(_ acceptEncoding: String?) -> Bool {
        guard let acceptEncoding else { return false }
        return acceptEncoding.split(separator: ",").contains {
            $0.trimmingCharacters(in: .whitespaces).lowercased() == "gzip"
        }
    }
}

/// How one side of a connection uses `grpc-encoding` message compression.
///
/// Accepting is on by default because a peer may compress whenever it likes (grpcio clients
/// with `compression=Gzip` do); sending is off by default because gzip costs CPU on both sides
/// and N-best lists are small.
public struct CompressionConfiguration: Sendable, Hashable {
    /// Whether messages the peer compressed with gzip are accepted (default `true`). When off,
    /// gzip is not advertised in `grpc-accept-encoding` and a gzip request is `UNIMPLEMENTED`.
    public var acceptsGzip: Bool
    /// Whether our messages are compressed with gzip (default `false`). A server compresses only
    /// for a client whose `grpc-accept-encoding` lists gzip; a client always compresses, as gRPC
    /// clients do (a server without gzip answers `UNIMPLEMENTED`).
    public var sendsGzip: Bool

    /// Creates a configuration; the defaults accept gzip and send uncompressed.
    public init(acceptsGzip: Bool = true, sendsGzip: Bool = false) {
        self.acceptsGzip = acceptsGzip
        self.sendsGzip = sendsGzip
    }

    /// The `grpc-accept-encoding` value to advertise.
    var acceptEncodingHeaderValue: String { acceptsGzip ? "gzip, identity" : "identity" }
}
