public import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// One plain HTTP/1.1 request to a loopback port (the services' `/metrics` endpoints), for tests.
///
/// A blocking socket on its own thread with send and receive timeouts, one connection per request
/// (`Connection: close`): a silent server is an error after `timeout`, never a wait that only
/// cancellation could end. (`URLSession` was suspected when the suite hung; the cause was another
/// wait, but a request bounded by the kernel's timeouts needs no FoundationNetworking to trust.)
public enum HTTPRequest {
    public struct Response: Sendable {
        public let status: Int
        /// Header names lowercased.
        public let headers: [String: String]
        public let body: Data

        public var text: String { String(decoding: body, as: UTF8.self) }
    }

    /// Sends `method path` to 127.0.0.1:`port` and returns the whole response.
    public static func send(
        port: Int, path: String, method: String = "GET", timeout: Duration = .seconds(60)
    ) async throws -> Response {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                continuation.resume(
                    with: Result { try exchange(port: port, path: path, method: method, timeout: timeout) })
            }
            thread.name = "http-\(port)"
            thread.start()
        }
    }

    /// `GET /metrics` and its body as text.
    public static func metrics(port: Int) async throws -> String {
        let response = try await send(port: port, path: "/metrics")
        guard response.status == 200 else {
            throw TestFailure("GET /metrics on port \(port) answered \(response.status): \(response.text)")
        }
        return response.text
    }

    private static func exchange(port: Int, path: String, method: String, timeout: Duration) throws
        -> Response
    {
        let what = "\(method) http://127.0.0.1:\(port)\(path)"
        let descriptor = try LoopbackSocket.connect(port: port, receiveTimeout: timeout, sendTimeout: timeout)
        defer { close(descriptor) }
        let request = Array(
            "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n\r\n".utf8)
        var sent = 0
        while sent < request.count {
            let written = request[sent...].withUnsafeBytes {
                Glibc.send(descriptor, $0.baseAddress, $0.count, 0)
            }
            guard written > 0 else { throw TestFailure("\(what): send: errno \(errno)") }
            sent += written
        }
        // The server closes the connection after its response (we asked it to): read to the end.
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16_384)
        while true {
            let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count == 0 { break }
            guard count > 0 else {
                throw TestFailure("\(what): no complete response within \(timeout) (errno \(errno))")
            }
            received += chunk[..<count]
        }
        return try parse(received, what: what, hasBody: method != "HEAD")
    }

    private static func parse(_ bytes: [UInt8], what: String, hasBody: Bool) throws -> Response {
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        guard let end = bytes.firstRange(of: separator) else {
            throw TestFailure("\(what): no response head in \(bytes.count) bytes")
        }
        let head = String(decoding: bytes[..<end.lowerBound], as: UTF8.self).components(separatedBy: "\r\n")
        let statusParts = head[0].split(separator: " ")
        guard statusParts.count >= 2, statusParts[0].hasPrefix("HTTP/1."), let status = Int(statusParts[1])
        else {
            throw TestFailure("\(what): bad status line '\(head[0])'")
        }
        var headers: [String: String] = [:]
        for line in head.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...]
                .trimmingCharacters(in: .whitespaces)
        }
        var body = Data(bytes[end.upperBound...])
        if hasBody, let length = headers["content-length"].flatMap({ Int($0) }) {
            guard body.count >= length else {
                throw TestFailure("\(what): body of \(body.count) bytes, content-length \(length)")
            }
            body = body.prefix(length)
        }
        return Response(status: status, headers: headers, body: body)
    }
}
