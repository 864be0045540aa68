import Foundation
public import Simulation

#if canImport(Glibc)
    import Glibc
#endif

/// Where one replica slot connects: a fixed address, or one of the addresses a DNS name
/// resolves to (as a compose service name resolves to its replicas).
///
/// A DNS slot re-resolves the name on every connect, so a replica restarted at a new address is
/// found again; slot *i* takes the *i*-th address of the sorted answer (modulo its size).
public enum ReplicaEndpoint: Sendable, Hashable, CustomStringConvertible {
    case address(host: String, port: Int)
    case dns(name: String, port: Int, index: Int)

    /// The host and port to connect to now.
    ///
    /// - Throws: `SimulationSetupError` when the name does not resolve.
    public func resolve() throws(SimulationSetupError) -> (host: String, port: Int) {
        switch self {
        case .address(let host, let port):
            return (host, port)
        case .dns(let name, let port, let index):
            let addresses = try Self.addresses(of: name)
            return (addresses[index % addresses.count], port)
        }
    }

    public var description: String {
        switch self {
        case .address(let host, let port): host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        case .dns(let name, let port, let index): "\(name):\(port)#\(index)"
        }
    }

    /// Parses `H:P[,H:P…]` (IPv6 literals in brackets).
    public static func parseList(_ text: String) throws(SimulationSetupError) -> [ReplicaEndpoint] {
        var endpoints: [ReplicaEndpoint] = []
        for entry in text.split(separator: ",") {
            let (host, port) = try parseHostPort(String(entry), flag: "--rescorer")
            endpoints.append(.address(host: host, port: port))
        }
        guard !endpoints.isEmpty else { throw SimulationSetupError("--rescorer names no address") }
        return endpoints
    }

    /// One slot per address `NAME` resolves to now.
    public static func slots(dns text: String) throws(SimulationSetupError) -> [ReplicaEndpoint] {
        let (name, port) = try parseHostPort(text, flag: "--rescorer-dns")
        let count = try addresses(of: name).count
        return (0..<count).map { .dns(name: name, port: port, index: $0) }
    }

    /// Splits `HOST:PORT`, naming `flag` in the error.
    public static func parseHostPort(_ text: String, flag: String) throws(SimulationSetupError) -> (
        String, Int
    ) {
        guard let colon = text.lastIndex(of: ":") else {
            throw SimulationSetupError("\(flag) '\(text)' is not HOST:PORT")
        }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { throw SimulationSetupError("\(flag) '\(text)' has no host") }
        guard let port = Int(text[text.index(after: colon)...]), (1...65535).contains(port) else {
            throw SimulationSetupError("\(flag) '\(text)' needs a port from 1 to 65535")
        }
        return (host, port)
    }

    /// The distinct numeric addresses of `name` (TCP), sorted so every resolve numbers them alike.
    static func addresses(of name: String) throws(SimulationSetupError) -> [String] {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(name, nil, &hints, &list)
        guard status == 0, let first = list else {
            let reason = String(cString: gai_strerror(status))
            throw SimulationSetupError("cannot resolve \(name): \(reason)")
        }
        defer { freeaddrinfo(first) }
        var found = Set<String>()
        var node: UnsafeMutablePointer<addrinfo>? = first
        var visited = 0
        while let current = node, visited < 1024 {
            visited += 1
            var buffer = [CChar](repeating: 0, count: Int(NI_MAXHOST))
            if getnameinfo(
                current.pointee.ai_addr, current.pointee.ai_addrlen, &buffer, socklen_t(buffer.count), nil, 0,
                NI_NUMERICHOST) == 0
            {
                found.insert(
                    String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
            }
            node = current.pointee.ai_next
        }
        guard !found.isEmpty else { throw SimulationSetupError("\(name) resolves to no address") }
        return found.sorted()
    }
}
