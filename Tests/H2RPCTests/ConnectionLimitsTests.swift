import Testing

@testable import H2RPC

/// The limits both roles share: their role defaults, and the validation that turns a value HTTP/2
/// or gRPC cannot express into `INVALID_ARGUMENT` when a client or server starts.
@Suite struct ConnectionLimitsTests {
    @Test func rolesDifferOnlyInStreamsIdleAndKeepalive() throws {
        #expect(ClientConfiguration().limits == .client)
        #expect(ServerConfiguration().limits == .server)
        #expect(ConnectionLimits.client.maximumConcurrentStreams == 100)
        #expect(ConnectionLimits.client.idleTimeout == nil)
        #expect(ConnectionLimits.client.keepaliveInterval == nil)
        #expect(ConnectionLimits.server.maximumConcurrentStreams == 1000)
        #expect(ConnectionLimits.server.idleTimeout == .seconds(300))
        #expect(ConnectionLimits.server.keepaliveInterval == .seconds(7200))
        var server = ConnectionLimits.server
        server.maximumConcurrentStreams = 100
        server.idleTimeout = nil
        server.keepaliveInterval = nil
        #expect(server == .client)
        try ClientConfiguration().validate()
        try ServerConfiguration().validate()
    }

    /// One out-of-range value per field, and the message that must name it.
    static var invalid:
        [(field: String, value: String, range: String, change: (inout ConnectionLimits) -> Void)]
    {
        [
            ("maximumReceiveMessageSize", "-1", "0...4294967295", { $0.maximumReceiveMessageSize = -1 }),
            (
                "maximumSendMessageSize", "4294967296", "0...4294967295",
                { $0.maximumSendMessageSize = 1 << 32 }
            ),
            ("maximumConcurrentStreams", "-5", "0...4294967295", { $0.maximumConcurrentStreams = -5 }),
            ("maximumHeaderListSize", "0", "1...4294967295", { $0.maximumHeaderListSize = 0 }),
            ("initialStreamWindowSize", "0", "1...2147483647", { $0.initialStreamWindowSize = 0 }),
            ("connectionWindowSize", "2147483648", "1...2147483647", { $0.connectionWindowSize = 1 << 31 }),
            ("streamReceiveBufferLimit", "0", "1...\(Int.max)", { $0.streamReceiveBufferLimit = 0 }),
            ("streamSendHighWatermark", "-1", "1...\(Int.max)", { $0.streamSendHighWatermark = -1 }),
        ]
    }

    @Test func everyIntegerLimitOutOfRangeIsNamedWithItsRange() {
        for (field, value, range, change) in Self.invalid {
            var limits = ConnectionLimits.server
            change(&limits)
            let expected = RPCError(
                code: .invalidArgument, message: "Owner.\(field) must be in \(range); got \(value).")
            #expect(throws: expected, "\(field)") { try limits.validate(as: "Owner") }
        }
    }

    @Test func durationsMustBePositive() {
        var limits = ConnectionLimits.client
        limits.keepaliveInterval = .zero
        #expect(
            throws: RPCError(
                code: .invalidArgument, message: "Owner.keepaliveInterval must be positive; got 0.0 seconds.")
        ) {
            try limits.validate(as: "Owner")
        }
        limits = .server
        limits.idleTimeout = .seconds(-1)
        #expect(throws: RPCError.self) { try limits.validate(as: "Owner") }
        limits = .server
        limits.keepaliveTimeout = .zero
        #expect(throws: RPCError.self) { try limits.validate(as: "Owner") }
        // `nil` is how a timer is switched off, not an error.
        limits = .server
        limits.idleTimeout = nil
        limits.keepaliveInterval = nil
        #expect(throws: Never.self) { try limits.validate(as: "Owner") }
    }

    @Test func serverRefusesToStartWithABadLimitAndSaysWhich() async throws {
        var configuration = ServerConfiguration()
        configuration.limits.initialStreamWindowSize = 0
        let server = RPCServer(router: RPCRouter(), configuration: configuration, logger: TestSupport.logger)
        let expected = RPCError(
            code: .invalidArgument,
            message: "ServerConfiguration.limits.initialStreamWindowSize must be in 1...2147483647; got 0.")
        await #expect(throws: expected) { try await server.run() }
        await #expect(throws: expected) { try await server.listeningAddress() }
    }

    @Test func serverOnlyFieldsAreValidatedToo() {
        var configuration = ServerConfiguration()
        configuration.port = 70_000
        #expect(
            throws: RPCError(
                code: .invalidArgument, message: "ServerConfiguration.port must be in 0...65535; got 70000.")
        ) {
            try configuration.validate()
        }
        configuration = ServerConfiguration()
        configuration.maximumResetsPerSecond = 0
        #expect(throws: RPCError.self) { try configuration.validate() }
        configuration = ServerConfiguration()
        configuration.shutdownGracePeriod = .seconds(-1)
        #expect(throws: RPCError.self) { try configuration.validate() }
    }

    @Test func clientRefusesABadConfigurationBeforeConnecting() async throws {
        var configuration = ClientConfiguration()
        configuration.limits.maximumHeaderListSize = 0
        let expected = RPCError(
            code: .invalidArgument,
            message: "ClientConfiguration.limits.maximumHeaderListSize must be in 1...4294967295; got 0.")
        // Port 1 on loopback is closed: reaching the body or connecting would be a different error.
        await #expect(throws: expected) {
            try await withRPCClient(
                host: "127.0.0.1", port: 1, configuration: configuration, logger: TestSupport.logger
            ) {
                _ in Issue.record("The body ran with an invalid configuration.")
            }
        }
        configuration = ClientConfiguration()
        configuration.connectTimeout = .zero
        #expect(
            throws: RPCError(
                code: .invalidArgument,
                message: "ClientConfiguration.connectTimeout must be positive; got 0.0 seconds.")
        ) {
            try configuration.validate()
        }
    }
}
