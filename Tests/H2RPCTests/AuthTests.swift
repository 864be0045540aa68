import H2RPC
import Testing

/// Optional bearer-token authentication.
@Suite struct AuthTests {
    let codec = RawBytesCodec()

    @Test(arguments: [nil, "wrong-token", "secret-token"] as [String?])
    func bearerTokenIsRequired(token: String?) async throws {
        var configuration = ServerConfiguration()
        configuration.bearerToken = "secret-token"
        var clientConfiguration = ClientConfiguration()
        clientConfiguration.bearerToken = token
        try await TestSupport.withServerAndClient(
            configuration: configuration, clientConfiguration: clientConfiguration
        ) { _, client in
            if token == "secret-token" {
                let echoed = try await client.unary(
                    TestSupport.unaryEcho, request: [42], serializer: codec, deserializer: codec)
                #expect(echoed == [42])
            } else {
                let error = await #expect(throws: RPCError.self) {
                    try await client.unary(
                        TestSupport.unaryEcho, request: [42], serializer: codec, deserializer: codec)
                }
                #expect(error?.code == .unauthenticated)
            }
        }
    }
}
