import H2RPC
public import Logging
import RescoringMessages
import RescoringRPC

/// A `host:port` pair as given to `--target` (IPv6 literals in brackets: `[::1]:50051`).
public struct ServiceTarget: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `HOST:PORT`.
    ///
    /// - Throws: `HealthProbeError` (`.invalidTarget`) naming the bad part.
    public init(parsing text: String) throws(HealthProbeError) {
        guard let colon = text.lastIndex(of: ":") else {
            throw HealthProbeError(.invalidTarget, "target '\(text)' is not HOST:PORT")
        }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { throw HealthProbeError(.invalidTarget, "target '\(text)' has no host") }
        guard let port = Int(text[text.index(after: colon)...]), (1...65535).contains(port) else {
            throw HealthProbeError(.invalidTarget, "target '\(text)' needs a port from 1 to 65535")
        }
        self.init(host: host, port: port)
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

/// Why a health probe did not find the service `SERVING`; `message` is one line for an operator.
public struct HealthProbeError: Error, Sendable, CustomStringConvertible {
    /// Kinds of failure.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        /// The `--target` value is not `HOST:PORT`.
        public static let invalidTarget = Code("invalidTarget")
        /// Nothing answered at the target (refused, unresolvable, timed out connecting).
        public static let unreachable = Code("unreachable")
        /// The server answered, but not within the probe's timeout.
        public static let timedOut = Code("timedOut")
        /// The server does not know the service asked about.
        public static let unknownService = Code("unknownService")
        /// The server reports a status other than `SERVING`.
        public static let notServing = Code("notServing")
        /// Any other non-OK gRPC status (e.g. `UNAUTHENTICATED`).
        public static let rpcFailure = Code("rpcFailure")
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}

/// One `grpc.health.v1.Health/Check` call, for `lora-rescorer health` and container health checks.
public enum HealthProbe {
    /// Succeeds when `service` at `target` is `SERVING`.
    ///
    /// - Parameters:
    ///   - service: the service name; empty for the server as a whole.
    ///   - timeout: how long connecting plus the call may take.
    ///   - bearerToken: sent when the server requires one.
    /// - Throws: `HealthProbeError` saying what was found instead.
    public static func check(
        target: ServiceTarget, service: String = "", timeout: Duration = .seconds(5),
        bearerToken: String? = nil,
        logger: Logger
    ) async throws(HealthProbeError) {
        var configuration = ClientConfiguration()
        configuration.connectTimeout = timeout
        configuration.bearerToken = bearerToken
        let named = service.isEmpty ? "the server" : "service '\(service)'"
        let status: HealthCheckResponse.ServingStatus
        do {
            status = try await withRPCClient(
                host: target.host, port: target.port, configuration: configuration, logger: logger
            ) { client in
                try await HealthClient(client).check(service: service, options: CallOptions(timeout: timeout))
            }
        } catch let error as RPCError {
            switch error.code {
            case .unavailable:
                throw HealthProbeError(.unreachable, "cannot reach \(target): \(error.message)")
            case .deadlineExceeded:
                throw HealthProbeError(.timedOut, "\(target) did not answer within \(timeout)")
            case .notFound:
                throw HealthProbeError(.unknownService, "\(target) does not know \(named)")
            default:
                throw HealthProbeError(.rpcFailure, "\(target) answered \(error.code): \(error.message)")
            }
        } catch {
            throw HealthProbeError(.rpcFailure, "health check of \(target) failed: \(error)")
        }
        guard status == .serving else {
            throw HealthProbeError(.notServing, "\(named) at \(target) is \(Self.name(of: status))")
        }
    }

    private static func name(of status: HealthCheckResponse.ServingStatus) -> String {
        switch status {
        case .unknown: "UNKNOWN"
        case .serving: "SERVING"
        case .notServing: "NOT_SERVING"
        case .serviceUnknown: "SERVICE_UNKNOWN"
        case .unrecognized(let value): "status \(value)"
        }
    }
}
