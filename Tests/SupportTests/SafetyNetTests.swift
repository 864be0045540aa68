import Foundation
import Logging
import SecondPassTestSupport
import ServiceMetrics
import Synchronization
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The test helpers that stand between a stuck peer and a hung suite: a timeout must fire even
/// when what it guards ignores cancellation, and an HTTP request to a silent server must fail.
@Suite struct SafetyNetTests {
    /// A continuation that is never resumed: the shape of a wait that ignores cancellation.
    final class NeverResumed: Sendable {
        let held = Mutex<[CheckedContinuation<Void, Never>]>([])

        func wait() async {
            await withCheckedContinuation { continuation in held.withLock { $0.append(continuation) } }
        }

        /// Lets the abandoned waits end, so the test leaves nothing suspended behind it.
        func release() {
            for continuation in held.withLock({ $0 }) { continuation.resume() }
        }
    }

    @Test func aTimeoutFiresEvenWhenTheBodyIgnoresCancellation() async throws {
        let stuck = NeverResumed()
        defer { stuck.release() }
        let error = await #expect(throws: TestFailure.self) {
            try await withTimeout(.milliseconds(200), "a wait that never ends") { await stuck.wait() }
        }
        #expect(error?.description == "timed out after 0.2 seconds waiting for a wait that never ends")
    }

    @Test func aTimeoutPassesOnTheBodysValueAndError() async throws {
        #expect(try await withTimeout(.seconds(60), "a value") { 42 } == 42)
        await #expect(throws: TestFailure.self) {
            try await withTimeout(.seconds(60), "an error") { throw TestFailure("the body's own") }
        }
    }

    @Test func anHTTPRequestToASilentServerFailsAfterItsTimeout() async throws {
        let silent = try SilentListener()
        let error = await #expect(throws: TestFailure.self) {
            try await HTTPRequest.send(port: silent.port, path: "/metrics", timeout: .seconds(1))
        }
        #expect(error?.description.contains("no complete response within 1.0 seconds") == true, "\(error!)")
    }

    @Test func anHTTPRequestReadsStatusHeadersAndBodyFromTheMetricsServer() async throws {
        let metrics = ServiceMetrics()
        let server = try await MetricsHTTPServer.bind(
            host: "127.0.0.1", port: 0, metrics: metrics,
            logger: Logger(label: "safety-net") { _ in SwiftLogNoOpLogHandler() })
        do {
            let found = try await HTTPRequest.send(port: server.port, path: "/metrics")
            #expect(found.status == 200)
            #expect(found.headers["content-type"]?.hasPrefix("text/plain") == true)
            #expect(found.body == Data(metrics.exposition()))
            let missing = try await HTTPRequest.send(port: server.port, path: "/other")
            #expect(missing.status == 404)
            #expect(missing.text == "only /metrics is served here\n")
        } catch {
            await server.close()
            throw error
        }
        await server.close()
    }
}

/// A loopback port that accepts connections (the kernel completes them from the backlog) and
/// never reads or answers.
final class SilentListener {
    let port: Int
    private let descriptor: Int32

    init() throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw TestFailure("socket() failed: \(errno)") }
        var address = LoopbackSocket.address(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ready = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, length) == 0 && listen(descriptor, 4) == 0
                    && getsockname(descriptor, $0, &length) == 0
            }
        }
        guard ready else {
            close(descriptor)
            throw TestFailure("a silent loopback listener failed: \(errno)")
        }
        self.descriptor = descriptor
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    deinit { close(descriptor) }
}
