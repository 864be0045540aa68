#if canImport(Glibc)
    public import Glibc
#endif

/// Raw TCP sockets to 127.0.0.1, for the tests that speak to a server below any client library
/// (half an HTTP/2 message, a plain HTTP/1.1 scrape).
public enum LoopbackSocket {
    /// A connected socket to 127.0.0.1:`port` whose reads give up after `receiveTimeout` (and
    /// writes after `sendTimeout`, when given); the caller closes it.
    public static func connect(
        port: Int, receiveTimeout: Duration, sendTimeout: Duration? = nil
    ) throws -> Int32 {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw TestFailure("socket() failed: errno \(errno)") }
        var address = self.address(port: port)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            let error = errno
            close(descriptor)
            throw TestFailure("connect() to 127.0.0.1:\(port) failed: errno \(error)")
        }
        setTimeout(descriptor, SO_RCVTIMEO, receiveTimeout)
        if let sendTimeout { setTimeout(descriptor, SO_SNDTIMEO, sendTimeout) }
        return descriptor
    }

    /// 127.0.0.1:`port` (0: any free port, for binding).
    public static func address(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }

    private static func setTimeout(_ descriptor: Int32, _ option: Int32, _ timeout: Duration) {
        let (seconds, attoseconds) = timeout.components
        var limit = timeval(tv_sec: Int(seconds), tv_usec: Int(attoseconds / 1_000_000_000_000))
        setsockopt(descriptor, SOL_SOCKET, option, &limit, socklen_t(MemoryLayout<timeval>.size))
    }
}
